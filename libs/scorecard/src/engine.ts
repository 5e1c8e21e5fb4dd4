import { ConcurrencyLimit } from '@lg/observability';
import type { Registry } from '@lg/registry';
import { fatigueTimes, overspeedCounts } from './alert-tallies';
import {
  scoreDistrict,
  tallyCompany,
  type CompanyDetail,
  type CompanyInput,
  type DistrictScorecard,
  type RegisteredTruck,
} from './company';
import { DAY_MS, dayLabel, dayStart, splitByDay, wholeHours, type Slice } from './days';
import type { ScorecardResults, StoredDay } from './results';
import type { Points, Rates } from './score';
import { measuredDutyCheckRate, type DutyCheckTallies, type ScorecardSettings } from './settings';
import type { ScorecardSource } from './source';
import { buildSlice, emptySlice, mergeSlices, type TruckSlice } from './truck-slice';

export interface ScorecardEngineOptions {
  /** A day is final (kept, and read back rather than computed) this long after its end, ms. Default 30 min. */
  finalAfterMs?: number;
  /** Computed periods are reused for this long after they were computed, ms. Default 30 s. */
  cacheTtlMs?: number;
  /** Periods kept computed at most (the least recently computed go first). Default 64. */
  maxCached?: number;
  /** Computations from InfluxDB (a period, or a trend's missing days) running at once. Default 2. */
  maxComputing?: number;
  /** Requests waiting for a computation at most; beyond, `BusyError`. Default 16. */
  maxWaiting?: number;
  /** Wall clock, epoch ms. */
  now?: () => number;
  /** The duty checks asked in a period; without it, the configured or default rates apply. */
  dutyChecks?: DutyCheckTallies;
}

/** One point of a company's trend. */
export interface TrendPoint {
  day: string;
  score: number;
  rates: Rates;
  points: Points;
}

/** What `computeDay` did. */
export interface DayOutcome {
  day: string;
  companies: number;
  trucks: number;
  records: number;
}

interface CacheEntry {
  /** When it was computed; undefined while it is being computed (then it is never dropped). */
  at?: number;
  value: Promise<DistrictScorecard>;
}

/** A company's trucks for one piece of time, by truck. */
type CompanySlices = Map<string, TruckSlice>;

/**
 * Computes scorecards from InfluxDB and keeps them. A period is cut into local days: a whole day that is
 * final is read from the kept results (computed and kept first when missing); the other pieces (today so
 * far, a partial day) are computed from the records. Every piece's truck tallies are additive, so a period
 * is the sum of its pieces; network access is read for the period's end. All companies are computed
 * together, since each is scored against the district's averages; callers show each user only its part.
 */
export class ScorecardEngine {
  private readonly finalAfterMs: number;
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  private readonly maxCached: number;
  /** Bounds the computations from InfluxDB that requests start (not the daily job's). */
  private readonly computations: ConcurrencyLimit;
  /** By period and settings; an entry being computed is shared by every request for it (single flight). */
  private readonly dutyChecks: DutyCheckTallies | undefined;
  private readonly cache = new Map<string, CacheEntry>();
  /** Days being computed, so that concurrent requests share one computation. */
  private readonly computing = new Map<number, Promise<Map<string, CompanySlices>>>();

  constructor(
    private readonly registry: Registry,
    private readonly source: ScorecardSource,
    private readonly results: ScorecardResults,
    private readonly settings: () => Promise<ScorecardSettings>,
    options: ScorecardEngineOptions = {},
  ) {
    this.finalAfterMs = options.finalAfterMs ?? 30 * 60_000;
    this.cacheTtlMs = options.cacheTtlMs ?? 30_000;
    this.now = options.now ?? Date.now;
    this.maxCached = options.maxCached ?? 64;
    this.computations = new ConcurrencyLimit('scorecard computing', {
      maxRunning: options.maxComputing ?? 2,
      maxWaiting: options.maxWaiting ?? 16,
    });
    this.dutyChecks = options.dutyChecks;
  }

  /**
   * Every company's scorecard for [from, to) widened to whole hours, ranked. Requests for one period share
   * one computation while it runs and its result for `cacheTtlMs` after; at most `maxComputing` periods
   * are computed at once, and a request beyond `maxWaiting` waiting ones gets `BusyError`.
   */
  async district(givenFrom: number, givenTo: number): Promise<DistrictScorecard> {
    const { from, to } = wholeHours(givenFrom, givenTo);
    const settings = await this.settings();
    // The duty checks are read first (Redis, cheap) and are part of the key: an answer changes the
    // company's rate at once instead of after the cached result expires.
    const duty = await this.dutyTallies(from, to);
    const key = `${from}:${to}:${JSON.stringify(settings)}:${duty ? JSON.stringify([...duty]) : ''}`;
    const now = this.now();
    for (const [k, entry] of this.cache) {
      if (entry.at !== undefined && now - entry.at > this.cacheTtlMs) this.cache.delete(k);
    }
    const hit = this.cache.get(key);
    if (hit) return hit.value;
    this.dropOldest(this.maxCached - 1);
    const entry: CacheEntry = {
      value: this.computations.run(() => this.computeDistrict(from, to, settings, duty)),
    };
    this.cache.set(key, entry);
    entry.value.then(
      () => (entry.at = this.now()),
      () => this.cache.delete(key),
    );
    return entry.value;
  }

  /** Computed periods held now, and computations running and waiting (tests, metrics). */
  get load(): { cached: number; running: number; waiting: number } {
    return { cached: this.cache.size, ...this.computations.load };
  }

  /** Drops computed periods, least recently computed first, until at most `keep` are held. */
  private dropOldest(keep: number): void {
    const done = [...this.cache].filter(([, e]) => e.at !== undefined).sort(([, a], [, b]) => a.at! - b.at!);
    for (const [k] of done) {
      if (this.cache.size <= keep) break;
      this.cache.delete(k);
    }
  }

  /** One company's scorecard for [from, to), with its trucks and evidence; undefined for an unknown company. */
  async company(
    companyId: string,
    from: number,
    to: number,
  ): Promise<(CompanyDetail & { rank: number }) | undefined> {
    if (!this.registry.company(companyId)) return undefined;
    const district = await this.district(from, to);
    return district.companies.find((c) => c.company === companyId);
  }

  /**
   * Computes one local day for every company from the records and keeps it: the daily job (`force`), or a
   * day asked for that is not kept yet.
   */
  async computeDay(day: number): Promise<DayOutcome> {
    const settings = await this.settings();
    const slices = await this.computeDaySlices(day, settings);
    let trucks = 0;
    let records = 0;
    for (const list of slices.values()) {
      for (const s of list.values()) {
        if (s.records > 0) trucks++;
        records += s.records;
      }
    }
    return { day: dayLabel(day), companies: slices.size, trucks, records };
  }

  /** A company's daily scores over the `days` local days ending before `endDay`, computing missing final days. */
  async trend(companyId: string, endDay: number, days: number): Promise<TrendPoint[]> {
    const settings = await this.settings();
    const first = endDay - days * DAY_MS;
    let stored = await this.results.readDays(companyId, first, endDay);
    const missing: number[] = [];
    for (let day = first; day < endDay; day += DAY_MS) {
      if (!stored.has(day) && this.isFinal(day)) missing.push(day);
    }
    if (missing.length > 0) {
      await this.computations.run(async () => {
        for (const day of missing) await this.computeDaySlices(day, settings);
      });
      stored = await this.results.readDays(companyId, first, endDay);
    }
    const points: TrendPoint[] = [];
    for (let day = first; day < endDay; day += DAY_MS) {
      const d = stored.get(day);
      if (d) points.push({ day: dayLabel(day), score: d.score, rates: d.rates, points: d.points });
    }
    return points;
  }

  /** Is the local day starting at `day` over and past the delay after which it is kept? */
  isFinal(day: number): boolean {
    return day + DAY_MS + this.finalAfterMs <= this.now();
  }

  private async computeDistrict(
    from: number,
    to: number,
    settings: ScorecardSettings,
    duty: Awaited<ReturnType<DutyCheckTallies>> | undefined,
  ): Promise<DistrictScorecard> {
    const companies = this.registry.allCompanies();
    const perCompany = new Map<string, TruckSlice[]>(companies.map((c) => [c.id, []]));
    const slices = splitByDay(from, to);
    const kept = await this.keptDays(slices.filter((s) => s.day !== undefined && this.isFinal(s.day)));
    for (const slice of slices) {
      const pieces = await this.slicesOf(slice, kept, settings);
      for (const [company, list] of pieces) perCompany.get(company)?.push(...list.values());
    }
    const inputs: CompanyInput[] = [];
    for (const c of companies) {
      const merged = new Map<string, TruckSlice>();
      const byTruck = new Map<string, TruckSlice[]>();
      for (const s of perCompany.get(c.id) ?? []) {
        const list = byTruck.get(s.truck);
        if (list) list.push(s);
        else byTruck.set(s.truck, [s]);
      }
      for (const [truck, list] of byTruck) {
        const m = mergeSlices(list, settings.evidenceLimit);
        if (m) merged.set(truck, m);
      }
      const onNetwork = await this.source.onNetwork(c.id, to - settings.accessLookbackDays * DAY_MS, to);
      inputs.push(this.inputOf(c.id, merged, onNetwork, settings, duty));
    }
    return scoreDistrict(from, to, inputs, settings.evidenceLimit);
  }

  private inputOf(
    companyId: string,
    slices: Map<string, TruckSlice>,
    onNetwork: Set<string>,
    settings: ScorecardSettings,
    duty: Awaited<ReturnType<DutyCheckTallies>> | undefined,
  ): CompanyInput {
    const company = this.registry.company(companyId);
    const input: CompanyInput = {
      id: companyId,
      name: company?.name ?? companyId,
      trucks: this.trucksOf(companyId),
      slices,
      onNetwork,
      dutyCheck: measuredDutyCheckRate(settings, companyId, duty?.get(companyId)),
    };
    if (company?.nameEn !== undefined) input.nameEn = company.nameEn;
    return input;
  }

  /** The duty checks of every company in [from, to), when there is a source of them. */
  private async dutyTallies(
    from: number,
    to: number,
  ): Promise<Awaited<ReturnType<DutyCheckTallies>> | undefined> {
    if (!this.dutyChecks) return undefined;
    return this.dutyChecks(
      this.registry.allCompanies().map((c) => c.id),
      from,
      to,
    );
  }

  private trucksOf(companyId: string): RegisteredTruck[] {
    return this.registry
      .allDevices()
      .filter((d) => d.kind === 'truck' && d.owner === companyId)
      .map((d) => (d.plate !== undefined ? { id: d.id, plate: d.plate } : { id: d.id }));
  }

  /** The kept results of these whole days, by company and day: one query per company. */
  private async keptDays(days: readonly Slice[]): Promise<Map<string, Map<number, StoredDay>>> {
    const kept = new Map<string, Map<number, StoredDay>>();
    if (days.length === 0) return kept;
    const from = Math.min(...days.map((d) => d.from));
    const to = Math.max(...days.map((d) => d.to));
    for (const c of this.registry.allCompanies()) kept.set(c.id, await this.results.readDays(c.id, from, to));
    return kept;
  }

  /**
   * The truck tallies of one piece of a period, by company: a final day from its kept results when every
   * company's is kept (else computed and kept); anything else computed from the records.
   */
  private async slicesOf(
    slice: Slice,
    kept: Map<string, Map<number, StoredDay>>,
    settings: ScorecardSettings,
  ): Promise<Map<string, CompanySlices>> {
    const day = slice.day;
    if (day === undefined || !this.isFinal(day)) return this.computeSlices(slice.from, slice.to, settings);
    const companies = this.registry.allCompanies();
    const stored = companies.map((c) => kept.get(c.id)?.get(day));
    if (stored.every((d) => d !== undefined)) {
      return new Map(companies.map((c, i) => [c.id, stored[i]?.trucks ?? new Map<string, TruckSlice>()]));
    }
    return this.computeDaySlices(day, settings);
  }

  /** Computes a day from the records and keeps every company's day. Concurrent callers share the work. */
  private computeDaySlices(day: number, settings: ScorecardSettings): Promise<Map<string, CompanySlices>> {
    const running = this.computing.get(day);
    if (running) return running;
    const work = (async () => {
      const slices = await this.computeSlices(day, day + DAY_MS, settings);
      const duty = await this.dutyTallies(day, day + DAY_MS);
      const inputs: CompanyInput[] = [];
      for (const c of this.registry.allCompanies()) {
        const list = slices.get(c.id) ?? new Map<string, TruckSlice>();
        const onNetwork = await this.source.onNetwork(
          c.id,
          day + DAY_MS - settings.accessLookbackDays * DAY_MS,
          day + DAY_MS,
        );
        inputs.push(this.inputOf(c.id, list, onNetwork, settings, duty));
      }
      const scored = scoreDistrict(day, day + DAY_MS, inputs, settings.evidenceLimit);
      const computedAt = this.now();
      for (const input of inputs) {
        const detail = scored.companies.find((c) => c.company === input.id);
        if (!detail) continue;
        await this.results.writeDay(day, detail, tallyCompany(input), [...input.slices.values()], computedAt);
      }
      // Periods computed before this day was kept may hold an older view of it; those being computed
      // stay, so that their requests still share them.
      for (const [k, e] of this.cache) if (e.at !== undefined) this.cache.delete(k);
      return slices;
    })();
    this.computing.set(day, work);
    const done = () => this.computing.delete(day);
    work.then(done, done);
    return work;
  }

  /** Every company's truck tallies in [from, to), computed from the records and alert transitions. */
  private async computeSlices(
    from: number,
    to: number,
    settings: ScorecardSettings,
  ): Promise<Map<string, CompanySlices>> {
    const out = new Map<string, CompanySlices>();
    const { overspeedRule, fatigueRule, fatigueMinSeverity, lookbackHours } = settings.alerts;
    const until = Math.min(to, Math.max(from, this.now()));
    for (const c of this.registry.allCompanies()) {
      const registered = new Set(this.trucksOf(c.id).map((t) => t.id));
      const records = await this.source.records(c.id, from, to);
      const events = await this.source.alertEvents(
        c.id,
        [...new Set([overspeedRule, fatigueRule])],
        from - lookbackHours * 3_600_000,
        to,
      );
      const overspeeds = overspeedCounts(events, overspeedRule, from, to);
      const fatigue = fatigueTimes(events, fatigueRule, fatigueMinSeverity, from, until);
      const list: CompanySlices = new Map();
      for (const truck of registered) {
        const qualified = records.qualified.get(truck) ?? [];
        const unqualified = records.unqualified.get(truck) ?? [];
        const slice =
          qualified.length + unqualified.length > 0 || overspeeds.has(truck) || fatigue.has(truck)
            ? buildSlice(
                {
                  truck,
                  company: c.id,
                  qualified,
                  unqualified,
                  overspeeds: overspeeds.get(truck) ?? 0,
                  fatigueMs: fatigue.get(truck) ?? 0,
                },
                settings,
              )
            : emptySlice(truck, c.id);
        if (slice.records > 0 || slice.overspeeds > 0 || slice.fatigueMs > 0) list.set(truck, slice);
      }
      out.set(c.id, list);
    }
    return out;
  }
}

/** The local day before the one containing `ts` (the daily job's "yesterday"). */
export function previousDay(ts: number): number {
  return dayStart(ts) - DAY_MS;
}
