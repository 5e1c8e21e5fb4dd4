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
