import type {
  CompanyDetail,
  CompanyScorecard,
  DistrictScorecard,
  DriftEvidence,
  DutyCheckRate,
  Evidence,
  GapEvidence,
  Regional,
  TruckProblem,
  TruckScorecard,
  UnqualifiedEvidence,
} from '@lg/contracts';
import { SCORE_ITEMS } from '@lg/contracts';
import {
  HOUR_MS,
  perItem,
  perVehicleOf,
  pointsOf,
  RATED_ITEMS,
  ratesOf,
  regionalOf,
  scoreOf,
  totalOf,
  type Tallies,
} from './score';
import { addCounts, byNewest, byWorstDrift, byWorstGap, type TruckSlice } from './truck-slice';

export type {
  CompanyDetail,
  CompanyScorecard,
  DistrictScorecard,
  DriftEvidence,
  Evidence,
  GapEvidence,
  TruckProblem,
  TruckScorecard,
  UnqualifiedEvidence,
};

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
    addCounts(t, s);
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

/** The worst `limit` items of one kind of evidence over all the trucks, worst first, each with its truck. */
function worstOf<T>(
  slices: readonly TruckSlice[],
  kind: (s: TruckSlice) => readonly T[],
  compare: (a: T, b: T) => number,
  limit: number,
): Array<{ truck: string; item: T }> {
  return slices
    .flatMap((s) => kind(s).map((item) => ({ truck: s.truck, item })))
    .sort((a, b) => compare(a.item, b.item))
    .slice(0, limit);
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

  const trucksWith = (problem: TruckProblem) =>
    trucks
      .filter((t) => t.problems.includes(problem))
      .map((t) => t.truck)
      .sort();
  const evidence: Evidence = {
    neverOnline: trucksWith('never_online'),
    offline: trucksWith('offline'),
    gaps: worstOf(slices, (s) => s.gaps, byWorstGap, evidenceLimit).map(({ truck, item: g }) => ({
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
    drifts: worstOf(slices, (s) => s.drifts, byWorstDrift, evidenceLimit).map(({ truck, item: d }) => ({
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
    unqualified: worstOf(slices, (s) => s.unqualified, byNewest, evidenceLimit).map(({ truck, item: u }) => ({
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
    rates: perItem(RATED_ITEMS, (item) => roundOrNull(rates[item], 4)),
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
    points: perItem(SCORE_ITEMS, (item) => round(points[item], 2)),
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
