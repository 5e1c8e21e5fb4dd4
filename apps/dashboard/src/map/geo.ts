import type { LonLat } from '../types';

const EARTH_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** Metres between two WGS-84 points (haversine). */
export function distanceM(a: LonLat, b: LonLat): number {
  const dLat = (b[1] - a[1]) * RAD;
  const dLon = (b[0] - a[0]) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * RAD) * Math.cos(b[1] * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Metres from a point to a polyline, on a local flat plane (fine over a district). */
export function distanceToPolylineM(p: LonLat, line: readonly LonLat[]): number {
  const k = Math.cos(p[1] * RAD) * RAD * EARTH_M;
  const toXY = (q: LonLat): [number, number] => [(q[0] - p[0]) * k, (q[1] - p[1]) * RAD * EARTH_M];
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = toXY(line[i]);
    const [bx, by] = toXY(line[i + 1]);
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  if (line.length === 1) best = Math.hypot(...toXY(line[0]));
  return best;
}

export interface SpeedLimitRoad {
  limitKmh: number;
  polyline: LonLat[];
  halfWidthM: number;
}

/** Hazmat trucks' speed limits: a corridor's own (expressways 80 km/h), elsewhere the default. */
export const DEFAULT_LIMIT_KMH = 60;

export function speedLimitAt(p: LonLat, roads: readonly SpeedLimitRoad[]): number {
  let limit = DEFAULT_LIMIT_KMH;
  for (const r of roads) {
    if (distanceToPolylineM(p, r.polyline) <= r.halfWidthM) limit = Math.max(limit, r.limitKmh);
  }
  return limit;
}
