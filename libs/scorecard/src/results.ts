import {
  escapeKey,
  integerText,
  quoteString,
  type InfluxRow,
  type QueryParams,
  type WriteResult,
} from '@lg/storage';
import { SCORE_ITEMS, type ScoreItem } from '@lg/contracts';
import type { CompanyDetail } from './company';
import { perItem, RATED_ITEMS, type Tallies } from './score';
import type { TruckCounts, TruckSlice } from './truck-slice';

/**
 * Kept results, InfluxDB measurement `scorecard`, one point per company and day (`level=company`: tallies,
 * rates, points, score) and per truck and day with records (`level=truck`: its tallies and worst evidence
 * as JSON). The time is the day's local midnight (Asia/Shanghai). Writing a day again overwrites it (same
 * series and time). Trends read the company points; periods add up the truck points.
 */
export const SCORECARD_MEASUREMENT = 'scorecard';

/** Bumped when the meaning of a stored field changes: older points are computed again. */
export const RESULTS_VERSION = 1;

export interface InfluxStore {
  write(lines: readonly string[]): Promise<WriteResult>;
  queryRows<R extends InfluxRow = InfluxRow>(influxql: string, params?: QueryParams): Promise<R[]>;
}

/** A company's kept day: its summary figures (for trends) and its trucks' tallies. */
export interface StoredDay {
  day: number;
  company: string;
  score: number;
  rates: CompanyDetail['rates'];
  points: CompanyDetail['points'];
  tallies: Tallies;
  computedAt: number;
  trucks: Map<string, TruckSlice>;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const rate = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The stored fields of the items' rates and points: `rate_access` …, `points_access` … `points_duty_check`. */
const column = (item: ScoreItem) => item.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const RATE_FIELDS = perItem(RATED_ITEMS, (item) => `rate_${column(item)}`);
const POINTS_FIELDS = perItem(SCORE_ITEMS, (item) => `points_${column(item)}`);

function field(name: string, value: number | null, integer = false): string {
  if (value === null || !Number.isFinite(value)) return '';
  return `,${name}=${integer ? integerText(Math.round(value)) + 'i' : String(value)}`;
}

/** The counts a truck point and its company point both keep, under the same fields. */
function countFields(c: TruckCounts): string {
  return (
    field('records', c.records, true) +
    field('qualified', c.qualified, true) +
    field('mileage_m', c.mileageM) +
    field('complete_m', c.completeM) +
    field('overspeeds', c.overspeeds, true) +
    field('fatigue_ms', c.fatigueMs, true)
  );
}

/** The counts of {@link countFields}, read back from a row. */
function countsOf(r: InfluxRow): TruckCounts {
  return {
    records: num(r.records),
    qualified: num(r.qualified),
    mileageM: num(r.mileage_m),
    completeM: num(r.complete_m),
    overspeeds: num(r.overspeeds),
    fatigueMs: num(r.fatigue_ms),
  };
}

function truckLine(day: number, s: TruckSlice): string {
  const fields =
    `version=${RESULTS_VERSION}i` +
    countFields(s) +
    field('gaps', s.gapCount, true) +
    field('drift_fixes', s.driftCount, true) +
    `,reasons=${quoteString(JSON.stringify(s.reasons))}` +
    `,evidence=${quoteString(JSON.stringify({ gaps: s.gaps, drifts: s.drifts, unqualified: s.unqualified }))}`;
  return `${SCORECARD_MEASUREMENT},company=${escapeKey(s.company)},level=truck,truck=${escapeKey(s.truck)} ${fields} ${integerText(day)}`;
}

function companyLine(day: number, c: CompanyDetail, t: Tallies, computedAt: number): string {
  const fields =
    `version=${RESULTS_VERSION}i` +
    field('registered', t.registered, true) +
    field('on_network', t.onNetwork, true) +
    field('online', t.online, true) +
    field('drifted', t.drifted, true) +
    countFields(t) +
    RATED_ITEMS.map((item) => field(RATE_FIELDS[item], c.rates[item])).join('') +
    SCORE_ITEMS.map((item) => field(POINTS_FIELDS[item], c.points[item])).join('') +
    field('score', c.score) +
    field('computed_at', computedAt, true);
  return `${SCORECARD_MEASUREMENT},company=${escapeKey(c.company)},level=company ${fields} ${integerText(day)}`;
}

function parseJson<T>(v: unknown, fallback: T): T {
  if (typeof v !== 'string') return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}

/** Reads and writes the kept results; every query is scoped by company. */
export class ScorecardResults {
  constructor(private readonly influx: InfluxStore) {}

  /** Keeps one day of one company: its trucks' tallies and its scorecard. */
  async writeDay(
    day: number,
    company: CompanyDetail,
    tallies: Tallies,
    trucks: readonly TruckSlice[],
    computedAt: number,
  ): Promise<void> {
    const lines = trucks
      .filter((s) => s.records > 0 || s.overspeeds > 0 || s.fatigueMs > 0)
      .map((s) => truckLine(day, s));
    lines.push(companyLine(day, company, tallies, computedAt));
    const result = await this.influx.write(lines);
    if (result.rejected.length > 0) {
      throw new Error(
        `InfluxDB refused ${result.rejected.length} scorecard line(s) of ${company.company}: ${result.rejected[0].reason}`,
      );
    }
  }

  /** The kept days of a company in [from, to) (local midnights), by day; days of an older version are left out. */
  async readDays(company: string, from: number, to: number): Promise<Map<number, StoredDay>> {
    const rows = await this.influx.queryRows(
      `SELECT * FROM "${SCORECARD_MEASUREMENT}" WHERE "company" = $company AND time >= $from AND time < $to`,
      { company, from: new Date(from), to: new Date(to) },
    );
    const days = new Map<number, StoredDay>();
    const trucks = new Map<number, Map<string, TruckSlice>>();
    for (const r of rows) {
      if (typeof r.time !== 'number' || num(r.version) !== RESULTS_VERSION) continue;
      if (r.level === 'company') {
        days.set(r.time, {
          day: r.time,
          company,
          score: num(r.score),
          rates: perItem(RATED_ITEMS, (item) => rate(r[RATE_FIELDS[item]])),
          points: perItem(SCORE_ITEMS, (item) => num(r[POINTS_FIELDS[item]])),
          tallies: {
            registered: num(r.registered),
            onNetwork: num(r.on_network),
            online: num(r.online),
            drifted: num(r.drifted),
            ...countsOf(r),
          },
          computedAt: num(r.computed_at),
          trucks: new Map(),
        });
      } else if (r.level === 'truck' && typeof r.truck === 'string') {
        const evidence = parseJson<Pick<TruckSlice, 'gaps' | 'drifts' | 'unqualified'>>(r.evidence, {
          gaps: [],
          drifts: [],
          unqualified: [],
        });
        const slice: TruckSlice = {
          truck: r.truck,
          company,
          ...countsOf(r),
          reasons: parseJson<Record<string, number>>(r.reasons, {}),
          gapCount: num(r.gaps),
          driftCount: num(r.drift_fixes),
          gaps: evidence.gaps ?? [],
          drifts: evidence.drifts ?? [],
          unqualified: evidence.unqualified ?? [],
        };
        const list = trucks.get(r.time) ?? new Map<string, TruckSlice>();
        list.set(r.truck, slice);
        trucks.set(r.time, list);
      }
    }
    for (const [day, list] of trucks) {
      const stored = days.get(day);
      if (stored) stored.trucks = list;
    }
    return days;
  }
}
