import { distanceM as distanceBetween, EARTH_RADIUS_M } from '@lg/contracts';

/** WGS-84 helpers on a spherical earth: accurate to well under a metre over the few km a step covers. */
export interface LatLon {
  lat: number;
  lon: number;
}

const RAD = Math.PI / 180;

/** Great-circle distance in metres. */
export function distanceM(a: LatLon, b: LatLon): number {
  return distanceBetween(a.lat, a.lon, b.lat, b.lon);
}

/** Initial bearing from a to b, degrees clockwise from north in [0, 360). */
export function bearingDeg(a: LatLon, b: LatLon): number {
  const phi1 = a.lat * RAD;
  const phi2 = b.lat * RAD;
  const dLon = (b.lon - a.lon) * RAD;
  const y = Math.sin(dLon) * Math.cos(phi2);
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLon);
  return (Math.atan2(y, x) / RAD + 360) % 360;
}

/** The point `fraction` of the way from a to b (linear in degrees: fine for segments of a few km). */
export function interpolate(a: LatLon, b: LatLon, fraction: number): LatLon {
  return { lat: a.lat + (b.lat - a.lat) * fraction, lon: a.lon + (b.lon - a.lon) * fraction };
}

/** Moves a point by metres north and east (small offsets such as GPS noise). */
export function offsetM(p: LatLon, northM: number, eastM: number): LatLon {
  return {
    lat: p.lat + northM / EARTH_RADIUS_M / RAD,
    lon: p.lon + eastM / (EARTH_RADIUS_M * Math.cos(p.lat * RAD)) / RAD,
  };
}

/**
 * Is the point inside the ring of `[lon, lat]` points (the registry's zone polygons)? Even-odd ray
 * casting in degrees: exact enough for zones a few hundred metres across.
 */
export function insidePolygon(p: LatLon, ring: ReadonlyArray<readonly [number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p.lat !== yj > p.lat && p.lon < ((xj - xi) * (p.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Shortest distance from the point to a line of `[lon, lat]` points, metres (local flat projection). */
export function distanceToLineM(p: LatLon, line: ReadonlyArray<readonly [number, number]>): number {
  const kx = Math.cos(p.lat * RAD) * RAD * EARTH_RADIUS_M;
  const ky = RAD * EARTH_RADIUS_M;
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const ax = (line[i][0] - p.lon) * kx;
    const ay = (line[i][1] - p.lat) * ky;
    const dx = (line[i + 1][0] - p.lon) * kx - ax;
    const dy = (line[i + 1][1] - p.lat) * ky - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}
