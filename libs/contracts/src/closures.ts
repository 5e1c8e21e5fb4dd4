import type { Severity } from './alert';
import { EARTH_RADIUS_M } from './geo';
import type { LonLat, RestrictedZone } from './map';

/** Bounds of what an operator may draw: kept and evaluated on every truck fix, so they are capped. */
export const CLOSURE_LIMITS = {
  /** Corners of a drawn polygon. */
  maxPoints: 100,
  /** Radius of a closure around a point or an alert, metres. */
  maxRadiusM: 5000,
  /** Longest window, ms (30 days). */
  maxWindowMs: 30 * 24 * 3600_000,
  /** Closures in force or waiting at once. */
  maxActive: 200,
  /** Characters of the reason. */
  maxReason: 200,
} as const;

/**
 * A temporary closure of contract v1: an area the command centre closes to hazmat trucks for a time window
 * (a road around an incident), enforced by `truck.restricted_zone` like a registry zone. Kept with who
 * created it and, once lifted before its end, who lifted it. Times are ISO-8601 UTC.
 */
export interface Closure {
  id: string;
  reason: string;
  /** Closed ring of `[lon, lat]` (WGS-84): drawn, or a circle around a point or an alert. */
  polygon: LonLat[];
  /** When drawn as a radius: its centre and radius (the polygon approximates it). */
  circle?: { lat: number; lon: number; radiusM: number; alert?: string };
  severity: Severity;
  from: string;
  to: string;
  createdBy: string;
  createdAt: string;
  liftedBy?: string;
  liftedAt?: string;
}

/** Is the closure in force at `ms` (not lifted, inside its window)? */
export function closureInForce(c: Closure, ms: number): boolean {
  return c.liftedAt === undefined && Date.parse(c.from) <= ms && ms < Date.parse(c.to);
}

/** The restricted zone the zone rule enforces for a closure (lifted: it ends when lifted). */
export function closureZone(c: Closure): RestrictedZone {
  const to = Date.parse(c.to);
  return {
    id: c.id,
    name: c.reason,
    type: 'closure',
    polygon: c.polygon,
    severity: c.severity,
    validFrom: Date.parse(c.from),
    validTo: c.liftedAt !== undefined ? Math.min(to, Date.parse(c.liftedAt)) : to,
  };
}

const RAD = Math.PI / 180;

/** A circle as a closed polygon of `sides` corners (outside the circle: the polygon contains it). */
export function circlePolygon(lat: number, lon: number, radiusM: number, sides = 32): LonLat[] {
  // Corners on a slightly larger circle, so that the polygon's edges stay outside the true circle.
  const r = radiusM / Math.cos(Math.PI / sides);
  const dLat = r / (RAD * EARTH_RADIUS_M);
  const dLon = dLat / Math.max(0.01, Math.cos(lat * RAD));
  const ring: LonLat[] = [];
  for (let i = 0; i < sides; i++) {
    const a = (2 * Math.PI * i) / sides;
    ring.push([round(lon + dLon * Math.sin(a)), round(lat + dLat * Math.cos(a))]);
  }
  ring.push(ring[0]);
  return ring;
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
