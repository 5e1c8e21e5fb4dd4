import type { Severity } from './alert';
import { EARTH_RADIUS_M } from './geo';

/** What kind of alert a hazard area comes from. */
export const HAZARD_KINDS = ['slope', 'gas'] as const;
export type HazardKind = (typeof HAZARD_KINDS)[number];

/** One place of a hazard area: a circle of `radiusM` around it. */
export interface HazardPoint {
  lat: number;
  lon: number;
  /** What stands there: the slope site, a building to evacuate, the gas detector. */
  label: string;
}

/**
 * A hazard area of contract v1: the places around an active red slope alert (its site and the buildings to
 * evacuate) or an active orange/red gas alert, each with a circle of `radiusM` metres (from the
 * `truck.near_hazard` rule's settings when the alert opened or changed). It exists while its alert is
 * active; `id` is the alert's ID.
 */
export interface HazardArea {
  id: string;
  kind: HazardKind;
  severity: Severity;
  /** The device whose alert it is, and its owner (slope site, pipeline network). */
  device: string;
  owner: string;
  /** The name drivers and operators see, e.g. 「雪象边坡」 or 「坂田燃气管网 G001」. */
  name: string;
  radiusM: number;
  points: HazardPoint[];
  /** ISO-8601 UTC: when the area was (re)defined. */
  since: string;
}

const RAD = Math.PI / 180;
const M_PER_DEG = RAD * EARTH_RADIUS_M;

/** Where a truck is and where it is going, for {@link HazardIndex.find}. */
export interface HazardProbe {
  lat: number;
  lon: number;
  /** km/h; with `headingDeg`, the truck's path for the next `lookaheadSec` is checked too. */
  speedKmh?: number;
  /** Degrees clockwise from north. */
  headingDeg?: number;
  lookaheadSec: number;
}

/** A hazard a truck is in (`etaSec` 0) or heading into within the look-ahead (`etaSec` > 0). */
export interface HazardHit {
  area: HazardArea;
  /** Seconds until the truck enters the area at its speed; 0 when it is inside. */
  etaSec: number;
  /** Metres from the truck to the nearest place of the area. */
  distanceM: number;
}

interface Indexed {
  area: HazardArea;
  minLat: number;
  maxLat: number;
  minLon: number;
  maxLon: number;
}

/**
 * The active hazard areas, as truck evaluation reads them on every fix. Built once per change of the set
 * (the worker rebuilds it only when the stored version moves), then each query is a bounding check of the
 * whole set (one comparison when the truck is far from every hazard, the usual case) and, near one, a
 * bounding check per area before any distance is computed. Plane geometry at district scale, like geo.ts.
 */
export class HazardIndex {
  private readonly items: Indexed[];
  private readonly box: { minLat: number; maxLat: number; minLon: number; maxLon: number };

  constructor(
    readonly areas: readonly HazardArea[],
    /** An identifier of the stored set this index was built from (its version). */
    readonly version = '',
  ) {
    this.items = areas.map((area) => {
      const item = { area, minLat: Infinity, maxLat: -Infinity, minLon: Infinity, maxLon: -Infinity };
      const padLat = area.radiusM / M_PER_DEG;
      for (const p of area.points) {
        const padLon = padLat / Math.max(0.01, Math.cos(p.lat * RAD));
        item.minLat = Math.min(item.minLat, p.lat - padLat);
        item.maxLat = Math.max(item.maxLat, p.lat + padLat);
        item.minLon = Math.min(item.minLon, p.lon - padLon);
        item.maxLon = Math.max(item.maxLon, p.lon + padLon);
      }
      return item;
    });
    this.box = { minLat: Infinity, maxLat: -Infinity, minLon: Infinity, maxLon: -Infinity };
    for (const i of this.items) {
      this.box.minLat = Math.min(this.box.minLat, i.minLat);
      this.box.maxLat = Math.max(this.box.maxLat, i.maxLat);
      this.box.minLon = Math.min(this.box.minLon, i.minLon);
      this.box.maxLon = Math.max(this.box.maxLon, i.maxLon);
    }
  }

  static readonly EMPTY = new HazardIndex([]);

  get size(): number {
    return this.items.length;
  }

  get(id: string): HazardArea | undefined {
    return this.items.find((i) => i.area.id === id)?.area;
  }

  /**
   * The hazard the truck is in or heading into: inside ones first (the most severe, then the nearest), else
   * the one it would reach first within the look-ahead. Undefined when none.
   */
  find(p: HazardProbe): HazardHit | undefined {
    if (this.items.length === 0) return undefined;
    const moving =
      p.speedKmh !== undefined && p.headingDeg !== undefined && p.speedKmh > 0 && p.lookaheadSec > 0;
    const speedMs = moving ? p.speedKmh! / 3.6 : 0;
    const reachM = speedMs * p.lookaheadSec;
    // Everything in plane metres around the truck (x east, y north).
    const kx = Math.cos(p.lat * RAD) * M_PER_DEG;
    const padLat = reachM / M_PER_DEG;
    const padLon = reachM / kx;
    const b = this.box;
    if (
      p.lat < b.minLat - padLat ||
      p.lat > b.maxLat + padLat ||
      p.lon < b.minLon - padLon ||
      p.lon > b.maxLon + padLon
    )
      return undefined;
    const dx = moving ? Math.sin(p.headingDeg! * RAD) : 0;
    const dy = moving ? Math.cos(p.headingDeg! * RAD) : 0;
    let best: HazardHit | undefined;
    for (const i of this.items) {
      if (
        p.lat < i.minLat - padLat ||
        p.lat > i.maxLat + padLat ||
        p.lon < i.minLon - padLon ||
        p.lon > i.maxLon + padLon
      )
        continue;
      let nearest = Infinity;
      let entry = Infinity;
      for (const q of i.area.points) {
        const cx = (q.lon - p.lon) * kx;
        const cy = (q.lat - p.lat) * M_PER_DEG;
        const d = Math.hypot(cx, cy);
        nearest = Math.min(nearest, d);
        if (d <= i.area.radiusM) entry = 0;
        else if (moving) entry = Math.min(entry, entryAlongRay(cx, cy, dx, dy, i.area.radiusM));
      }
      if (entry > reachM) continue;
      const hit: HazardHit = {
        area: i.area,
        etaSec: entry === 0 ? 0 : entry / speedMs,
        distanceM: Math.max(0, nearest - i.area.radiusM),
      };
      if (!best || better(hit, best)) best = hit;
    }
    return best;
  }
}

const SEVERITY_ORDER: readonly Severity[] = ['blue', 'yellow', 'orange', 'red'];

function better(a: HazardHit, b: HazardHit): boolean {
  if (a.etaSec === 0 && b.etaSec > 0) return true;
  if (b.etaSec === 0 && a.etaSec > 0) return false;
  if (a.etaSec === 0) {
    const s = SEVERITY_ORDER.indexOf(a.area.severity) - SEVERITY_ORDER.indexOf(b.area.severity);
    return s !== 0 ? s > 0 : a.distanceM < b.distanceM;
  }
  return a.etaSec < b.etaSec;
}

/**
 * Distance along a ray from the origin in unit direction (dx, dy) to where it first enters the circle of
 * radius r centred at (cx, cy), the origin being outside it; Infinity if it never does (or only behind).
 */
export function entryAlongRay(cx: number, cy: number, dx: number, dy: number, r: number): number {
  const along = cx * dx + cy * dy;
  if (along <= 0) return Infinity;
  const off2 = cx * cx + cy * cy - along * along;
  const r2 = r * r;
  if (off2 > r2) return Infinity;
  return along - Math.sqrt(r2 - off2);
}
