import type { Alert, HazardArea, HazardPoint } from '@lg/contracts';
import type { Registry } from '@lg/registry';
import type { TruckNearHazardConfig } from './rules/truck-near-hazard';

/** The rules whose alerts define hazard areas. */
export const HAZARD_RULES: ReadonlySet<string> = new Set(['slope.displacement', 'gas.lel']);

/**
 * The hazard area an alert defines, or null: an active red slope alert covers its site and the buildings
 * to evacuate that have coordinates (`slopeRedM` around each); an active orange or red gas alert covers
 * its detector (`gasOrangeM` / `gasRedM`). Radii are the `truck.near_hazard` rule's pack settings.
 */
export function hazardAreaOf(
  alert: Alert,
  registry: Registry,
  radii: Pick<TruckNearHazardConfig, 'gasOrangeM' | 'gasRedM' | 'slopeRedM'>,
): HazardArea | null {
  if (!alert.active) return null;
  const device = registry.device(alert.device);
  const base = {
    id: alert.id,
    severity: alert.severity,
    device: alert.device,
    owner: alert.owner,
    since: alert.updatedAt,
  };
  if (alert.rule === 'slope.displacement' && alert.severity === 'red') {
    const site = registry.slopeSite(alert.owner);
    const points: HazardPoint[] = [];
    if (site) {
      points.push({ lat: site.lat, lon: site.lon, label: site.name });
      for (const b of site.buildings)
        if (b.lat !== undefined && b.lon !== undefined)
          points.push({ lat: b.lat, lon: b.lon, label: b.name });
    }
    const at = fixedAt(device, alert);
    if (at) points.push({ ...at, label: device?.name ?? alert.device });
    if (points.length === 0) return null;
    return { ...base, kind: 'slope', name: site?.name ?? alert.device, radiusM: radii.slopeRedM, points };
  }
  if (alert.rule === 'gas.lel' && (alert.severity === 'orange' || alert.severity === 'red')) {
    const at = fixedAt(device, alert);
    if (!at) return null;
    const name = device?.name ?? alert.device;
    return {
      ...base,
      kind: 'gas',
      name,
      radiusM: alert.severity === 'red' ? radii.gasRedM : radii.gasOrangeM,
      points: [{ ...at, label: name }],
    };
  }
  return null;
}

/** A fixed device's place: the registry's, else where its alert was located. */
function fixedAt(
  device: { lat?: number; lon?: number } | undefined,
  alert: Alert,
): { lat: number; lon: number } | undefined {
  if (device?.lat !== undefined && device.lon !== undefined) return { lat: device.lat, lon: device.lon };
  return alert.location;
}
