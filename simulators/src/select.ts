import { DEVICE_KINDS, isDeviceKind } from '@lg/contracts';
import type { Device, Registry } from '@lg/registry';

/**
 * The devices named by `--devices`: a comma-separated list of device IDs and kinds (`T001,G001`, `gas`,
 * `truck,SL-S01-1`), in registry order. Empty or absent means every device.
 */
export function selectDevices(registry: Registry, spec?: string): Device[] {
  const items = (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return [...registry.allDevices()];
  const unknown = items.filter((i) => !isDeviceKind(i) && !registry.device(i));
  if (unknown.length > 0) {
    throw new Error(
      `unknown device or kind: ${unknown.join(', ')} (kinds: ${DEVICE_KINDS.join(', ')}; "list" shows the devices)`,
    );
  }
  const wanted = new Set(items);
  return registry.allDevices().filter((d) => wanted.has(d.id) || wanted.has(d.kind));
}

/**
 * The devices left once `--except` is applied: a comma-separated list of owners (`C03`: a company whose
 * own platform sends its trucks' data), device IDs and kinds. Empty or absent leaves every device.
 */
export function exceptDevices(registry: Registry, devices: readonly Device[], spec?: string): Device[] {
  const items = (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return [...devices];
  const unknown = items.filter((i) => !isDeviceKind(i) && !registry.device(i) && !registry.isOwner(i));
  if (unknown.length > 0) throw new Error(`--except: unknown owner, device or kind: ${unknown.join(', ')}`);
  const left = new Set(items);
  return devices.filter((d) => !left.has(d.id) && !left.has(d.kind) && !left.has(d.owner));
}
