/**
 * The scorecard of 交运发〔2016〕160号 as the gateway answers it (`/api/scorecard…`) and the dashboard reads
 * it: types only. Rates are fractions 0–1, null when their denominator is empty; points and the score are
 * rounded to 0.01 (docs/scorecard.md). The computation is `libs/scorecard`.
 */

export interface Rates {
  /** Vehicles on the network ÷ vehicles registered. */
  access: number | null;
  /** Vehicles online in the period ÷ vehicles on the network. */
  online: number | null;
  /** Mileage of complete track ÷ total mileage. */
  completeness: number | null;
  /** Qualified records ÷ all records. */
  qualification: number | null;
  /** Vehicles that drifted ÷ vehicles online. */
  drift: number | null;
}

/** The regional averages `a` the per-vehicle items are scored against. */
export interface Regional {
  overspeedsPerVehicle: number;
  fatigueHoursPerVehicle: number;
}

/** The score's items, in the order of the rules' table (docs/scorecard.md). */
export const SCORE_ITEMS = [
  'access',
  'online',
  'completeness',
  'qualification',
  'drift',
  'overspeed',
  'fatigue',
  'dutyCheck',
] as const;
export type ScoreItem = (typeof SCORE_ITEMS)[number];

/** Each item's points. */
export type Points = Record<ScoreItem, number>;

/**
 * A company's duty-check response rate and where it comes from: `measured` (checks answered in time ÷ checks
 * whose outcome is known, in the period; `checks` gives the counts), else what an operator `configured`
 * for the company, else the `default`.
 */
export interface DutyCheckRate {
  rate: number;
  source: 'measured' | 'configured' | 'default';
  checks?: { asked: number; decided: number; inTime: number; late: number; missed: number };
}

/** What makes a truck harmful to the score. */
export type TruckProblem = 'never_online' | 'offline' | 'unqualified_records' | 'broken_track' | 'drift';

/** One truck's part of its company's scorecard. Rates are fractions; null when there was nothing to rate. */
export interface TruckScorecard {
  truck: string;
  plate?: string;
  onNetwork: boolean;
  online: boolean;
  records: number;
  qualified: number;
  qualification: number | null;
  unqualifiedByReason: Record<string, number>;
  mileageKm: number;
  completeKm: number;
  completeness: number | null;
  gaps: number;
  drifted: boolean;
  driftFixes: number;
  overspeeds: number;
  fatigueHours: number;
  problems: TruckProblem[];
  /** Points the company would gain were this terminal fixed (on the network, online, every record qualified, track complete, no drift). */
  gain: number;
  /** The same gain with the cut-offs set aside: it still ranks repairs when a cut-off swallows them. */
  gainUncapped: number;
}

export interface GapEvidence {
  truck: string;
  from: string;
  to: string;
  fromLat: number;
  fromLon: number;
  toLat: number;
  toLon: number;
  distanceKm: number;
  minutes: number;
  reason: 'distance' | 'time';
}

export interface DriftEvidence {
  truck: string;
  ts: string;
  lat: number;
  lon: number;
  prevTs: string;
  prevLat: number;
  prevLon: number;
  distanceKm: number;
  seconds: number;
  impliedKmh: number | null;
  reason: 'speed' | 'jump';
}

export interface UnqualifiedEvidence {
  truck: string;
  ts: string;
  reasons: string[];
  lat: number | null;
  lon: number | null;
  speed: number | null;
}

/** The records behind each rate, worst first. */
export interface Evidence {
  /** Registered trucks that never sent a qualified record (network access). */
  neverOnline: string[];
  /** Trucks on the network that sent no qualified record in the period (online rate). */
  offline: string[];
  /** The gaps that broke a track (completeness), most mileage first. */
  gaps: GapEvidence[];
  /** The fixes that drifted (drift rate), highest implied speed first. */
  drifts: DriftEvidence[];
  /** Unqualified records and their reasons (qualification), newest first. */
  unqualified: UnqualifiedEvidence[];
}

export interface CompanyScorecard {
  company: string;
  name: string;
  nameEn?: string;
  vehicles: { registered: number; onNetwork: number; online: number; drifted: number };
  records: { total: number; qualified: number; unqualified: number; byReason: Record<string, number> };
  mileage: { totalKm: number; completeKm: number; gaps: number };
  rates: Rates;
  overspeeds: { count: number; perVehicle: number | null; regionalAverage: number };
  fatigue: { hours: number; perVehicle: number | null; regionalAverage: number };
  dutyCheck: DutyCheckRate;
  points: Points;
  score: number;
}

export interface CompanyDetail extends CompanyScorecard {
  /** Every registered truck, most harmful first (the fix-first order). */
  trucks: TruckScorecard[];
  /** The trucks with a problem, most harmful first. */
  fixFirst: Array<Pick<TruckScorecard, 'truck' | 'plate' | 'gain' | 'gainUncapped' | 'problems'>>;
  evidence: Evidence;
}

export interface DistrictScorecard {
  from: string;
  to: string;
  regional: Regional;
  /** Ranked: highest score first. */
  companies: Array<CompanyDetail & { rank: number }>;
}

/** How well one truck's terminal reports over a period (the integration console's data quality). */
export interface TruckDataQuality {
  truck: string;
  /** The registry's reporting interval, s. */
  expectedIntervalSec: number;
  records: number;
  unqualified: number;
  /** `unqualified / records`, 0–1; null without records. */
  unqualifiedShare: number | null;
  /** Median time between consecutive records, s; null under two records. */
  medianIntervalSec: number | null;
  /** 90th percentile of the same, s. */
  p90IntervalSec: number | null;
  /**
   * Share of intervals within ±50 % of the registry interval, 0–1: 1 is a terminal like a metronome;
   * bursts and silences lower it. Null under two records.
   */
  regularity: number | null;
  /** Silences longer than `gapFactor` × the registry interval (between records, and up to the period's end). */
  gaps: number;
  /** The longest silence, s (0 without any record pair). */
  longestGapSec: number;
  /** Median of arrival − event time, ms: positive is late or a slow clock, negative a fast clock. */
  medianSkewMs: number | null;
  /** The largest |arrival − event time|, ms. */
  maxAbsSkewMs: number | null;
  /** The latest event time, ISO-8601; null without records. */
  lastTs: string | null;
}

/**
 * A segment that broke a truck's track (`GET /api/trucks/{id}/evidence`): its mileage is counted but not
 * as complete.
 */
export interface TrackGap {
  /** Event times of the fixes either side, epoch ms. */
  from: number;
  to: number;
  fromLat: number;
  fromLon: number;
  toLat: number;
  toLon: number;
  /** Straight-line distance, metres. */
  distanceM: number;
  /** Time between the fixes, seconds. */
  seconds: number;
  /** `distance`: longer than `gapDistanceM`; `time`: longer than `gapTimeSec` while moving. */
  reason: 'distance' | 'time';
}
