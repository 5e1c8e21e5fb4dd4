import { bearingDeg, distanceM, interpolate, type LatLon } from './geo';

/** A route as a vehicle follows it: its points and the cumulative distance at each, in metres. */
export interface Polyline {
  points: readonly LatLon[];
  /** `cumulative[i]` is the distance from the first point to point i. */
  cumulative: readonly number[];
  /** `bearings[i]` is the bearing of the segment from point i to point i + 1, degrees in [0, 360). */
  bearings: readonly number[];
  lengthM: number;
}

export function polyline(points: readonly LatLon[]): Polyline {
  if (points.length < 2) throw new Error('a polyline needs at least two points');
  const cumulative = [0];
  const bearings: number[] = [];
  for (let i = 1; i < points.length; i++) {
    cumulative.push(cumulative[i - 1] + distanceM(points[i - 1], points[i]));
    bearings.push(bearingDeg(points[i - 1], points[i]));
  }
  const lengthM = cumulative[cumulative.length - 1];
  if (lengthM <= 0) throw new Error('a polyline must have a length');
  return { points, cumulative, bearings, lengthM };
}

export interface PolylinePosition extends LatLon {
  /** Bearing of the segment under the position, degrees in [0, 360), in the direction of the polyline. */
  segmentBearing: number;
}

/** The point `distance` metres along the polyline, clamped to its ends. */
export function positionAt(line: Polyline, distance: number): PolylinePosition {
  const { lo, fraction } = locate(line, distance);
  const { lat, lon } = interpolate(line.points[lo], line.points[lo + 1], fraction);
  return { lat, lon, segmentBearing: line.bearings[lo] };
}

/** `positionAt` without the bearing. */
export function pointAt(line: Polyline, distance: number): LatLon {
  const { lo, fraction } = locate(line, distance);
  return interpolate(line.points[lo], line.points[lo + 1], fraction);
}

/** The segment [lo, lo + 1] that holds `distance` (clamped to the ends), and how far along it the point is. */
function locate(line: Polyline, distance: number): { lo: number; fraction: number } {
  const d = Math.min(Math.max(distance, 0), line.lengthM);
  // Binary search for the segment [i, i+1] that holds d.
  let lo = 0;
  let hi = line.points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (line.cumulative[mid] <= d) lo = mid;
    else hi = mid;
  }
  const span = line.cumulative[hi] - line.cumulative[lo];
  return { lo, fraction: span > 0 ? (d - line.cumulative[lo]) / span : 0 };
}
