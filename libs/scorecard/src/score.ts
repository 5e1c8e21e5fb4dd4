import type { Points, Rates, Regional, ScoreItem } from '@lg/contracts';

export type { Points, Rates, Regional };

/**
 * The enterprise score of 交运发〔2016〕160号 (100 points), as pure functions of a company's tallies:
 *
 * | item | points | cut-off |
 * |---|---|---|
 * | network-access rate | rate × 5 | 0 below 90 % |
 * | online rate | rate × 5 | — |
 * | track-completeness rate | rate × 15 | 0 below 70 % |
 * | data-qualification rate | rate × 15 | 0 below 80 % |
 * | drift rate | 10 − rate × 10 | 0 above 5 % |
 * | overspeeds per vehicle | 0–20 against the regional average | — |
 * | fatigue hours per vehicle | 0–20 against the regional average | — |
 * | platform duty-check response rate | rate × 10 | — |
 *
 * Rates are fractions (0–1). A rate whose denominator is empty is null and earns 0 points, except track
 * completeness when the company had vehicles online that did not move: no mileage, nothing missing, full
 * marks.
 */
export const WEIGHTS = {
  access: 5,
  online: 5,
  completeness: 15,
  qualification: 15,
  drift: 10,
  overspeed: 20,
  fatigue: 20,
  dutyCheck: 10,
} as const;

/** The items scored from a rate, in SCORE_ITEMS' order (the others: per-vehicle figures, the duty check). */
export const RATED_ITEMS = [
  'access',
  'online',
  'completeness',
  'qualification',
  'drift',
] as const satisfies readonly (keyof Rates & ScoreItem)[];
export type RatedItem = (typeof RATED_ITEMS)[number];

/** An object with one value per item, keys in the order given (the order of the API's `rates` and `points`). */
export function perItem<K extends ScoreItem, T>(items: readonly K[], value: (item: K) => T): Record<K, T> {
  const out = {} as Record<K, T>;
  for (const item of items) out[item] = value(item);
  return out;
}

/** Below (drift: above) these rates an item earns nothing. */
export const CUTOFFS = { access: 0.9, completeness: 0.7, qualification: 0.8, drift: 0.05 } as const;

/** The counts a company's rates come from. Mileage in metres, fatigue in ms. */
export interface Tallies {
  registered: number;
  onNetwork: number;
  online: number;
  drifted: number;
  records: number;
  qualified: number;
  mileageM: number;
  completeM: number;
  overspeeds: number;
  fatigueMs: number;
}

/** Overspeeds and fatigue hours per vehicle online (null with none online). */
export interface PerVehicle {
  overspeeds: number | null;
  fatigueHours: number | null;
}

export const HOUR_MS = 3_600_000;

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);

export function ratesOf(t: Tallies): Rates {
  return {
    access: ratio(t.onNetwork, t.registered),
    online: ratio(t.online, t.onNetwork),
    completeness: ratio(t.completeM, t.mileageM),
    qualification: ratio(t.qualified, t.records),
    drift: ratio(t.drifted, t.online),
  };
}

export function perVehicleOf(t: Tallies): PerVehicle {
  return {
    overspeeds: ratio(t.overspeeds, t.online),
    fatigueHours: ratio(t.fatigueMs / HOUR_MS, t.online),
  };
}

/** Regional averages over every company: the district's totals per vehicle online (0 when none was). */
export function regionalOf(all: readonly Tallies[]): Regional {
  let online = 0;
  let overspeeds = 0;
  let fatigueMs = 0;
  for (const t of all) {
    online += t.online;
    overspeeds += t.overspeeds;
    fatigueMs += t.fatigueMs;
  }
  return {
    overspeedsPerVehicle: online > 0 ? overspeeds / online : 0,
    fatigueHoursPerVehicle: online > 0 ? fatigueMs / HOUR_MS / online : 0,
  };
}

/**
 * Points (0–20) of a per-vehicle figure `x` against the regional average `a`:
 * x ≤ a → 10 + (a − x)/a × 10; a < x < 2a → (2a − x)/a × 10; x ≥ 2a → 0. With a = 0 nobody had any, so
 * x = 0 earns the full 20. A null `x` (no vehicle online) earns 0.
 */
export function regionalPoints(x: number | null, a: number): number {
  if (x === null) return 0;
  if (x <= a) return a > 0 ? 10 + ((a - x) / a) * 10 : 20;
  if (x < 2 * a) return ((2 * a - x) / a) * 10;
  return 0;
}

/** Scoring with the regulator's cut-offs, or without them (to rank repairs a cut-off would hide). */
export interface ScoringOptions {
  cutoffs: boolean;
}

export function pointsOf(
  t: Tallies,
  regional: Regional,
  dutyCheckRate: number,
  options: ScoringOptions = { cutoffs: true },
): Points {
  const r = ratesOf(t);
  const pv = perVehicleOf(t);
  const cut = options.cutoffs;
  return {
    access: r.access === null || (cut && r.access < CUTOFFS.access) ? 0 : r.access * WEIGHTS.access,
    online: r.online === null ? 0 : r.online * WEIGHTS.online,
    completeness:
      r.completeness === null
        ? t.online > 0
          ? WEIGHTS.completeness
          : 0
        : cut && r.completeness < CUTOFFS.completeness
          ? 0
          : r.completeness * WEIGHTS.completeness,
    qualification:
      r.qualification === null || (cut && r.qualification < CUTOFFS.qualification)
        ? 0
        : r.qualification * WEIGHTS.qualification,
    drift:
      r.drift === null || (cut && r.drift > CUTOFFS.drift)
        ? 0
        : Math.max(0, WEIGHTS.drift - r.drift * WEIGHTS.drift),
    overspeed: regionalPoints(pv.overspeeds, regional.overspeedsPerVehicle),
    fatigue: regionalPoints(pv.fatigueHours, regional.fatigueHoursPerVehicle),
    dutyCheck: dutyCheckRate * WEIGHTS.dutyCheck,
  };
}

export function totalOf(p: Points): number {
  return (
    p.access + p.online + p.completeness + p.qualification + p.drift + p.overspeed + p.fatigue + p.dutyCheck
  );
}

/** The score of a company (0–100). */
export function scoreOf(
  t: Tallies,
  regional: Regional,
  dutyCheckRate: number,
  options?: ScoringOptions,
): number {
  return totalOf(pointsOf(t, regional, dutyCheckRate, options));
}
