import type { LonLat, RestrictedZone, RoadCorridor } from './map';

/** Mean Earth radius, metres (IUGG). */
export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/**
 * Great-circle distance between two WGS-84 points, metres (haversine on a sphere): well under a metre of
 * error per km at the district's scale. Devices report WGS-84 and the platform stores it; this is the one
 * distance every part of the platform uses.
 */
export function distanceM(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const dLat = (bLat - aLat) * RAD;
  const dLon = (bLon - aLon) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(aLat * RAD) * Math.cos(bLat * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/*
 * Plane geometry on WGS-84 coordinates at district scale (tens of km): exact enough for geofences and
 * road corridors (errors well under a metre per km at Shenzhen's latitude), and cheap enough to run on
 * every truck fix. Coordinates are `[lon, lat]` in degrees, as in the registry. The rules and the
 * dashboard use the same functions, so that a chart's speed limit is the rule's.
 */

interface Box {
  minLon: number;
  maxLon: number;
  minLat: number;
  maxLat: number;
}

// Registry objects are immutable once loaded, so their bounding boxes are computed once and kept with them.
const boxes = new WeakMap<readonly LonLat[], Box>();

function boxOf(points: readonly LonLat[]): Box {
  let box = boxes.get(points);
  if (!box) {
    box = { minLon: Infinity, maxLon: -Infinity, minLat: Infinity, maxLat: -Infinity };
    for (const [lon, lat] of points) {
      box.minLon = Math.min(box.minLon, lon);
      box.maxLon = Math.max(box.maxLon, lon);
      box.minLat = Math.min(box.minLat, lat);
      box.maxLat = Math.max(box.maxLat, lat);
    }
    boxes.set(points, box);
  }
  return box;
}

/**
 * Is the point inside the polygon (a ring of `[lon, lat]`, closed or not)? Even-odd ray casting: a point
 * exactly on an edge may fall either way, which is immaterial at GNSS accuracy.
 */
export function pointInPolygon(lat: number, lon: number, ring: readonly LonLat[]): boolean {
  const box = boxOf(ring);
  if (lon < box.minLon || lon > box.maxLon || lat < box.minLat || lat > box.maxLat) return false;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Shortest distance from the point to the polyline, metres (local equirectangular projection). */
export function distanceToPolylineM(lat: number, lon: number, line: readonly LonLat[]): number {
  const kx = Math.cos(lat * RAD) * RAD * EARTH_RADIUS_M;
  const ky = RAD * EARTH_RADIUS_M;
  let best = Infinity;
  for (let i = 0; i < line.length; i++) {
    const ax = (line[i][0] - lon) * kx;
    const ay = (line[i][1] - lat) * ky;
    if (i === line.length - 1) {
      if (line.length === 1) best = Math.hypot(ax, ay);
      break;
    }
    const bx = (line[i + 1][0] - lon) * kx;
    const by = (line[i + 1][1] - lat) * ky;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    // Projection of the origin (the point) on the segment, clamped to its ends.
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

/** Degrees of latitude per metre, for widening a bounding box by a corridor's half-width. */
const DEG_PER_M = 1 / (RAD * EARTH_RADIUS_M);

/** Is the point within the corridor (within `halfWidthM` of its polyline)? */
export function inCorridor(lat: number, lon: number, corridor: RoadCorridor): boolean {
  const box = boxOf(corridor.polyline);
  const padLat = corridor.halfWidthM * DEG_PER_M;
  const padLon = padLat / Math.max(0.01, Math.cos(lat * RAD));
  if (
    lon < box.minLon - padLon ||
    lon > box.maxLon + padLon ||
    lat < box.minLat - padLat ||
    lat > box.maxLat + padLat
  ) {
    return false;
  }
  return distanceToPolylineM(lat, lon, corridor.polyline) <= corridor.halfWidthM;
}

/**
 * The corridor the point lies in, or undefined. Where corridors overlap (an interchange) the one with the
 * highest limit wins: a fix cannot tell which carriageway the truck is on, and a false overspeed on an
 * expressway is worse than a late one on a slip road.
 */
export function corridorAt(
  lat: number,
  lon: number,
  corridors: readonly RoadCorridor[],
): RoadCorridor | undefined {
  let found: RoadCorridor | undefined;
  for (const c of corridors) {
    if ((!found || c.limitKmh > found.limitKmh) && inCorridor(lat, lon, c)) found = c;
  }
  return found;
}

/** The zones whose polygon contains the point (time windows are not considered here). */
export function zonesAt(lat: number, lon: number, zones: readonly RestrictedZone[]): RestrictedZone[] {
  return zones.filter((z) => pointInPolygon(lat, lon, z.polygon));
}

/**
 * A hazmat truck's speed limit at a point: the corridor's where it drives on one (the highest where they
 * overlap, as `corridorAt`), elsewhere `roadLimitKmh` (the `truck.overspeed` rule's, 60 km/h by default).
 */
export function speedLimitAt(
  lat: number,
  lon: number,
  corridors: readonly RoadCorridor[],
  roadLimitKmh: number,
): number {
  return corridorAt(lat, lon, corridors)?.limitKmh ?? roadLimitKmh;
}
