import {
  HOUR_MS,
  perVehicleOf,
  pointsOf,
  ratesOf,
  regionalOf,
  scoreOf,
  totalOf,
  type Points,
  type Rates,
  type Regional,
  type Tallies,
} from './score';
import type { DutyCheckRate } from './settings';
import { byNewest, byWorstDrift, byWorstGap, type TruckSlice } from './truck-slice';

/** A registered truck, as the registry knows it. */
export interface RegisteredTruck {
  id: string;
  plate?: string;
}

/** One company's material for one period. */
export interface CompanyInput {
  id: string;
  name: string;
  nameEn?: string;
  trucks: readonly RegisteredTruck[];
  /** Each truck's tallies over the period (absent: no records at all). */
  slices: ReadonlyMap<string, TruckSlice>;
  /** Trucks that sent a qualified record before the period's end (within the look-back). */
  onNetwork: ReadonlySet<string>;
  dutyCheck: DutyCheckRate;
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

const round = (v: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const roundOrNull = (v: number | null, digits: number) => (v === null ? null : round(v, digits));
const iso = (ms: number) => new Date(ms).toISOString();

/** The company's tallies over its registered trucks; a truck online counts as on the network. */
export function tallyCompany(input: CompanyInput): Tallies {
  const t: Tallies = {
    registered: input.trucks.length,
    onNetwork: 0,
    online: 0,
    drifted: 0,
    records: 0,
    qualified: 0,
    mileageM: 0,
    completeM: 0,
    overspeeds: 0,
    fatigueMs: 0,
  };
  for (const { id } of input.trucks) {
    const s = input.slices.get(id);
    const online = (s?.qualified ?? 0) > 0;
    if (online || input.onNetwork.has(id)) t.onNetwork++;
    if (!s) continue;
    if (online) t.online++;
    if (s.driftCount > 0) t.drifted++;
    t.records += s.records;
    t.qualified += s.qualified;
    t.mileageM += s.mileageM;
    t.completeM += s.completeM;
    t.overspeeds += s.overspeeds;
    t.fatigueMs += s.fatigueMs;
  }
  return t;
}

/** The company's tallies had this truck's terminal been right: its overspeeds and fatigue (driving) stay. */
function fixedTallies(t: Tallies, slice: TruckSlice | undefined, onNetwork: boolean): Tallies {
  const online = (slice?.qualified ?? 0) > 0;
  return {
    ...t,
    onNetwork: t.onNetwork + (onNetwork || online ? 0 : 1),
    online: t.online + (online ? 0 : 1),
    drifted: t.drifted - ((slice?.driftCount ?? 0) > 0 ? 1 : 0),
    qualified: t.qualified + (slice ? slice.records - slice.qualified : 0),
    completeM: t.completeM + (slice ? slice.mileageM - slice.completeM : 0),
  };
}

function problemsOf(slice: TruckSlice | undefined, onNetwork: boolean): TruckProblem[] {
  const online = (slice?.qualified ?? 0) > 0;
  const problems: TruckProblem[] = [];
  if (!onNetwork && !online) problems.push('never_online');
  else if (!online) problems.push('offline');
  if (slice && slice.records > slice.qualified) problems.push('unqualified_records');
  if (slice && slice.gapCount > 0) problems.push('broken_track');
  if (slice && slice.driftCount > 0) problems.push('drift');
  return problems;
}

/** One company's scorecard against the regional averages, with its trucks in fix-first order and the evidence. */
export function scoreCompany(
  input: CompanyInput,
  tallies: Tallies,
  regional: Regional,
  evidenceLimit: number,
): CompanyDetail {
  const points = pointsOf(tallies, regional, input.dutyCheck.rate);
  const score = totalOf(points);
  const linear = scoreOf(tallies, regional, input.dutyCheck.rate, { cutoffs: false });
  const perVehicle = perVehicleOf(tallies);

  const trucks: TruckScorecard[] = input.trucks.map(({ id, plate }) => {
    const s = input.slices.get(id);
    const onNetwork = input.onNetwork.has(id) || (s?.qualified ?? 0) > 0;
    const fixed = fixedTallies(tallies, s, onNetwork);
    const view: TruckScorecard = {
      truck: id,
      onNetwork,
      online: (s?.qualified ?? 0) > 0,
      records: s?.records ?? 0,
      qualified: s?.qualified ?? 0,
      qualification: s && s.records > 0 ? round(s.qualified / s.records, 4) : null,
      unqualifiedByReason: { ...(s?.reasons ?? {}) },
      mileageKm: round((s?.mileageM ?? 0) / 1000, 3),
      completeKm: round((s?.completeM ?? 0) / 1000, 3),
      completeness: s && s.mileageM > 0 ? round(s.completeM / s.mileageM, 4) : null,
      gaps: s?.gapCount ?? 0,
      drifted: (s?.driftCount ?? 0) > 0,
      driftFixes: s?.driftCount ?? 0,
      overspeeds: s?.overspeeds ?? 0,
      fatigueHours: round((s?.fatigueMs ?? 0) / HOUR_MS, 3),
      problems: problemsOf(s, onNetwork),
      gain: round(scoreOf(fixed, regional, input.dutyCheck.rate) - score, 2),
      gainUncapped: round(scoreOf(fixed, regional, input.dutyCheck.rate, { cutoffs: false }) - linear, 2),
    };
    if (plate !== undefined) view.plate = plate;
    return view;
  });
  trucks.sort(
    (a, b) =>
      b.gain - a.gain ||
      b.gainUncapped - a.gainUncapped ||
      b.problems.length - a.problems.length ||
      a.truck.localeCompare(b.truck),
  );

  const slices = input.trucks
    .map(({ id }) => input.slices.get(id))
    .filter((s): s is TruckSlice => s !== undefined);
  const byReason: Record<string, number> = {};
  for (const s of slices)
    for (const [k, n] of Object.entries(s.reasons)) byReason[k] = (byReason[k] ?? 0) + n;

  const evidence: Evidence = {
    neverOnline: trucks
      .filter((t) => t.problems.includes('never_online'))
      .map((t) => t.truck)
      .sort(),
    offline: trucks
      .filter((t) => t.problems.includes('offline'))
      .map((t) => t.truck)
      .sort(),
    gaps: slices
      .flatMap((s) => s.gaps.map((g) => ({ truck: s.truck, g })))
      .sort((a, b) => byWorstGap(a.g, b.g))
      .slice(0, evidenceLimit)
      .map(({ truck, g }) => ({
        truck,
        from: iso(g.from),
        to: iso(g.to),
        fromLat: g.fromLat,
        fromLon: g.fromLon,
        toLat: g.toLat,
        toLon: g.toLon,
        distanceKm: round(g.distanceM / 1000, 3),
        minutes: round(g.seconds / 60, 2),
        reason: g.reason,
      })),
    drifts: slices
      .flatMap((s) => s.drifts.map((d) => ({ truck: s.truck, d })))
      .sort((a, b) => byWorstDrift(a.d, b.d))
      .slice(0, evidenceLimit)
      .map(({ truck, d }) => ({
        truck,
        ts: iso(d.ts),
        lat: d.lat,
        lon: d.lon,
        prevTs: iso(d.prevTs),
        prevLat: d.prevLat,
        prevLon: d.prevLon,
        distanceKm: round(d.distanceM / 1000, 3),
        seconds: round(d.seconds, 3),
        impliedKmh: roundOrNull(d.impliedKmh, 1),
        reason: d.reason,
      })),
    unqualified: slices
      .flatMap((s) => s.unqualified.map((u) => ({ truck: s.truck, u })))
      .sort((a, b) => byNewest(a.u, b.u))
      .slice(0, evidenceLimit)
      .map(({ truck, u }) => ({
        truck,
        ts: iso(u.ts),
        reasons: u.reasons,
        lat: u.lat,
        lon: u.lon,
        speed: u.speed,
      })),
  };

  const rates = ratesOf(tallies);
  const view: CompanyDetail = {
    company: input.id,
    name: input.name,
    vehicles: {
      registered: tallies.registered,
      onNetwork: tallies.onNetwork,
      online: tallies.online,
      drifted: tallies.drifted,
    },
    records: {
      total: tallies.records,
      qualified: tallies.qualified,
      unqualified: tallies.records - tallies.qualified,
      byReason,
    },
    mileage: {
      totalKm: round(tallies.mileageM / 1000, 3),
      completeKm: round(tallies.completeM / 1000, 3),
      gaps: slices.reduce((n, s) => n + s.gapCount, 0),
    },
    rates: {
      access: roundOrNull(rates.access, 4),
      online: roundOrNull(rates.online, 4),
      completeness: roundOrNull(rates.completeness, 4),
      qualification: roundOrNull(rates.qualification, 4),
      drift: roundOrNull(rates.drift, 4),
    },
    overspeeds: {
      count: tallies.overspeeds,
      perVehicle: roundOrNull(perVehicle.overspeeds, 4),
      regionalAverage: round(regional.overspeedsPerVehicle, 4),
    },
    fatigue: {
      hours: round(tallies.fatigueMs / HOUR_MS, 3),
      perVehicle: roundOrNull(perVehicle.fatigueHours, 4),
      regionalAverage: round(regional.fatigueHoursPerVehicle, 4),
    },
    dutyCheck: { ...input.dutyCheck },
    points: {
      access: round(points.access, 2),
      online: round(points.online, 2),
      completeness: round(points.completeness, 2),
      qualification: round(points.qualification, 2),
      drift: round(points.drift, 2),
      overspeed: round(points.overspeed, 2),
      fatigue: round(points.fatigue, 2),
      dutyCheck: round(points.dutyCheck, 2),
    },
    score: round(score, 2),
    trucks,
    fixFirst: trucks
      .filter((t) => t.problems.length > 0)
      .slice(0, evidenceLimit)
      .map(({ truck, plate, gain, gainUncapped, problems }) => ({
        truck,
        ...(plate !== undefined ? { plate } : {}),
        gain,
        gainUncapped,
        problems,
      })),
    evidence,
  };
  if (input.nameEn !== undefined) view.nameEn = input.nameEn;
  return view;
}

/** Every company of the district for one period, scored against the district's averages and ranked. */
export function scoreDistrict(
  from: number,
  to: number,
  companies: readonly CompanyInput[],
  evidenceLimit: number,
): DistrictScorecard {
  const tallies = companies.map((c) => tallyCompany(c));
  const regional = regionalOf(tallies);
  const scored = companies
    .map((c, i) => scoreCompany(c, tallies[i], regional, evidenceLimit))
    .sort((a, b) => b.score - a.score || a.company.localeCompare(b.company));
  return {
    from: iso(from),
    to: iso(to),
    regional: {
      overspeedsPerVehicle: round(regional.overspeedsPerVehicle, 4),
      fatigueHoursPerVehicle: round(regional.fatigueHoursPerVehicle, 4),
    },
    companies: scored.map((c, i) => ({ ...c, rank: i + 1 })),
  };
}

/** The company summary without the per-truck detail (the ranking). */
export function summaryOf<T extends CompanyDetail>(detail: T): Omit<T, 'trucks' | 'fixFirst' | 'evidence'> {
  const { trucks: _trucks, fixFirst: _fixFirst, evidence: _evidence, ...summary } = detail;
  return summary;
}
