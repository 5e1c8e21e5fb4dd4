import type { ScorecardSettings } from './settings';
import { analyseTrack, type DriftFix, type Fix, type TrackGap } from './track';

/** An unqualified record with the reasons ingest gave (`why`) and what it carried. */
export interface UnqualifiedRecord {
  ts: number;
  reasons: string[];
  lat: number | null;
  lon: number | null;
  speed: number | null;
}

/**
 * What one truck did in one piece of time (a day, or part of one): every count the rates need, all of them
 * additive, so that the tallies of a period are the sums of its days' (`mergeSlices`). The evidence lists
 * keep only the worst `evidenceLimit` of each kind.
 */
export interface TruckSlice {
  truck: string;
  company: string;
  /** All records, qualified or not. */
  records: number;
  qualified: number;
  /** Unqualified records per reason code (a record may carry several). */
  reasons: Record<string, number>;
  /** Plausible mileage and the part of it on an unbroken track, metres. */
  mileageM: number;
  completeM: number;
  gapCount: number;
  driftCount: number;
  overspeeds: number;
  /** Fatigue driving, ms. */
  fatigueMs: number;
  gaps: TrackGap[];
  drifts: DriftFix[];
  unqualified: UnqualifiedRecord[];
}

export function emptySlice(truck: string, company: string): TruckSlice {
  return {
    truck,
    company,
    records: 0,
    qualified: 0,
    reasons: {},
    mileageM: 0,
    completeM: 0,
    gapCount: 0,
    driftCount: 0,
    overspeeds: 0,
    fatigueMs: 0,
    gaps: [],
    drifts: [],
    unqualified: [],
  };
}

/** The worst first: the gap that lost most mileage, the wildest drift, the newest unqualified record. */
export const byWorstGap = (a: TrackGap, b: TrackGap) =>
  b.distanceM - a.distanceM || b.seconds - a.seconds || a.from - b.from;
export const byWorstDrift = (a: DriftFix, b: DriftFix) =>
  (b.impliedKmh ?? Infinity) - (a.impliedKmh ?? Infinity) || b.distanceM - a.distanceM || a.ts - b.ts;
export const byNewest = (a: UnqualifiedRecord, b: UnqualifiedRecord) => b.ts - a.ts;

function worst<T>(items: T[], compare: (a: T, b: T) => number, limit: number): T[] {
  return items.sort(compare).slice(0, limit);
}

/** The raw material of one truck in one piece of time. */
export interface TruckRaw {
  truck: string;
  company: string;
  qualified: readonly Fix[];
  unqualified: readonly UnqualifiedRecord[];
  overspeeds: number;
  fatigueMs: number;
}

/** Tallies one truck's records and alerts in one piece of time. */
export function buildSlice(raw: TruckRaw, settings: ScorecardSettings): TruckSlice {
  const track = analyseTrack(raw.qualified, settings.track, settings.drift);
  const reasons: Record<string, number> = {};
  for (const r of raw.unqualified) {
    const list = r.reasons.length > 0 ? r.reasons : ['unknown'];
    for (const reason of list) reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  const limit = settings.evidenceLimit;
  return {
    truck: raw.truck,
    company: raw.company,
    records: raw.qualified.length + raw.unqualified.length,
    qualified: raw.qualified.length,
    reasons,
    mileageM: track.mileageM,
    completeM: track.completeM,
    gapCount: track.gaps.length,
    driftCount: track.drifts.length,
    overspeeds: raw.overspeeds,
    fatigueMs: raw.fatigueMs,
    gaps: worst(track.gaps, byWorstGap, limit),
    drifts: worst(track.drifts, byWorstDrift, limit),
    unqualified: worst([...raw.unqualified], byNewest, limit),
  };
}

/** The additive counts a truck's slice shares with its company's tallies (`tallyCompany`). */
export type TruckCounts = Pick<
  TruckSlice,
  'records' | 'qualified' | 'mileageM' | 'completeM' | 'overspeeds' | 'fatigueMs'
>;

/** Adds a slice's counts to a total: a longer slice of the same truck, or its company's tallies. */
export function addCounts(total: TruckCounts, s: TruckCounts): void {
  total.records += s.records;
  total.qualified += s.qualified;
  total.mileageM += s.mileageM;
  total.completeM += s.completeM;
  total.overspeeds += s.overspeeds;
  total.fatigueMs += s.fatigueMs;
}

/** One truck's slices of several pieces of time as one (sums; the worst evidence of all). */
export function mergeSlices(slices: readonly TruckSlice[], limit: number): TruckSlice | undefined {
  if (slices.length === 0) return undefined;
  const out = emptySlice(slices[0].truck, slices[0].company);
  for (const s of slices) {
    addCounts(out, s);
    for (const [reason, n] of Object.entries(s.reasons)) out.reasons[reason] = (out.reasons[reason] ?? 0) + n;
    out.gapCount += s.gapCount;
    out.driftCount += s.driftCount;
    out.gaps.push(...s.gaps);
    out.drifts.push(...s.drifts);
    out.unqualified.push(...s.unqualified);
  }
  out.gaps = worst(out.gaps, byWorstGap, limit);
  out.drifts = worst(out.drifts, byWorstDrift, limit);
  out.unqualified = worst(out.unqualified, byNewest, limit);
  return out;
}
