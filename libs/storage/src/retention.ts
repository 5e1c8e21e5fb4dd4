import { DEVICE_KINDS, FIELD_SPECS, type DeviceKind } from '@lg/contracts';
import { influxIdentifier } from './influxql';

/**
 * Where each kind of data lives in InfluxDB 1.x, and for how long. Retention in 1.x is per retention policy
 * (RP), not per measurement, so every period the operator can set is its own RP:
 *
 * | RP          | holds                                                   | default      |
 * |-------------|---------------------------------------------------------|--------------|
 * | `raw_truck` | truck readings (`truck`)                                | 183 d (min)  |
 * | `raw_slope` | slope readings (`slope`)                                | 365 d        |
 * | `raw_gas`   | gas readings (`gas`)                                    | 365 d        |
 * | `records`   | alert transitions and handling (`alert_event`), scorecard results, anything else; the DEFAULT RP | 1096 d (min) |
 * | `agg_1m`    | 1-minute aggregates per device (`truck`, `slope`, `gas`) | 90 d        |
 * | `agg_1h`    | 1-hour aggregates per device                            | 1096 d       |
 *
 * `records` is the database's default policy, so a query or a write that names no RP (alert history,
 * scorecard results) lands there; readings are written and read with their RP named.
 */
export const RETENTION_POLICIES = {
  truck: 'raw_truck',
  slope: 'raw_slope',
  gas: 'raw_gas',
  records: 'records',
  minute: 'agg_1m',
  hour: 'agg_1h',
} as const;

export type RetentionTier = keyof typeof RETENTION_POLICIES;

/** How long each tier keeps its data, hours (InfluxDB's shortest period is 1 h). */
export type RetentionPeriods = Record<RetentionTier, number>;

export const DEFAULT_RETENTION_DAYS: Readonly<Record<RetentionTier, number>> = {
  truck: 183,
  slope: 365,
  gas: 365,
  records: 1096,
  minute: 90,
  hour: 1096,
};

/** The default periods in `RetentionPeriods`' terms (hours). */
export const DEFAULT_RETENTION_PERIODS = Object.freeze(
  Object.fromEntries(Object.entries(DEFAULT_RETENTION_DAYS).map(([tier, days]) => [tier, days * 24])),
) as Readonly<RetentionPeriods>;

/** Legal floors: 道路运输车辆动态监督管理办法 — monitoring data ≥ 6 months, violations and handling ≥ 3 years. */
export const MIN_RETENTION_DAYS: Readonly<Partial<Record<RetentionTier, number>>> = {
  truck: 183,
  records: 1096,
};

/** Aggregate tiers: their width and the tier they are computed from. */
export const AGGREGATES = {
  minute: { rp: RETENTION_POLICIES.minute, widthMs: 60_000, every: '1m' },
  hour: { rp: RETENTION_POLICIES.hour, widthMs: 3_600_000, every: '1h' },
} as const;
export type AggregateTier = keyof typeof AGGREGATES;

/** How many minutes back each 1-minute run recomputes (late readings within this are counted). */
export const MINUTE_RESAMPLE_FOR = '5m';
/** How many hours back each 1-hour run recomputes: the previous hour again, once its minutes are final. */
export const HOUR_RESAMPLE_FOR = '2h';

/**
 * Buckets that end before this time are final in `tier`: the continuous query has computed them for the
 * last time. Later ones are answered from the finer data.
 */
export function aggregateSettledBefore(tier: AggregateTier, nowMs: number): number {
  if (tier === 'minute') {
    // Recomputed up to 5 min after the bucket; 30 s of margin for the CQ service's run interval.
    return Math.floor((nowMs - 30_000) / 60_000) * 60_000 - 5 * 60_000;
  }
  // Recomputed once more one hour after its own end (FOR 2h), plus the margin for the minute data.
  return Math.floor((nowMs - 6 * 60_000) / 3_600_000) * 3_600_000 - 3_600_000;
}

/** The numeric fields aggregated per kind: each becomes `<f>_min`, `<f>_max`, `<f>_sum`, `<f>_count`. */
export function aggregatedFields(kind: DeviceKind): string[] {
  const specs = FIELD_SPECS[kind];
  return Object.keys(specs).filter((f) => specs[f].type === 'number' || specs[f].type === 'integer');
}

/** The RP a measurement's points are written to and read from. */
export function policyOfMeasurement(measurement: string): string {
  return (DEVICE_KINDS as readonly string[]).includes(measurement)
    ? RETENTION_POLICIES[measurement as DeviceKind]
    : RETENTION_POLICIES.records;
}

/**
 * The RP of a line-protocol line, from its measurement: O(1) on the write path (a prefix test). Readings are
 * always written with tags (`truck,device=...`).
 */
export function policyOfLine(line: string): string {
  switch (line.charCodeAt(0)) {
    case 116: // t
      return line.startsWith('truck,') ? RETENTION_POLICIES.truck : RETENTION_POLICIES.records;
    case 115: // s
      return line.startsWith('slope,') ? RETENTION_POLICIES.slope : RETENTION_POLICIES.records;
    case 103: // g
      return line.startsWith('gas,') ? RETENTION_POLICIES.gas : RETENTION_POLICIES.records;
    default:
      return RETENTION_POLICIES.records;
  }
}

/**
 * How queries name measurements. Managed: readings as `"raw_truck"."truck"`, aggregates available. Not
 * managed (INFLUX_API=v2, an INFLUX_DB of `db/rp`, or INFLUX_RETENTION=false): every measurement in the one
 * bucket or RP, unqualified, and no aggregates.
 */
export class RetentionLayout {
  constructor(readonly managed: boolean) {}

  /** The FROM clause of a measurement's raw points. */
  source(measurement: string): string {
    return this.managed
      ? `${influxIdentifier(policyOfMeasurement(measurement))}.${influxIdentifier(measurement)}`
      : influxIdentifier(measurement);
  }

  /** The FROM clause of a kind's aggregates of `tier`; undefined when aggregates are not kept. */
  aggregateSource(kind: DeviceKind, tier: AggregateTier): string | undefined {
    return this.managed ? `${influxIdentifier(AGGREGATES[tier].rp)}.${influxIdentifier(kind)}` : undefined;
  }
}

/** A retention policy as `SHOW RETENTION POLICIES` lists it. */
export interface ExistingPolicy {
  name: string;
  /** Hours; 0: kept forever. */
  durationHours: number;
  shardHours: number;
  isDefault: boolean;
}

/** InfluxDB's duration text (`4392h0m0s`, `0s`) in hours. */
export function durationHours(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not an InfluxDB duration`);
  return Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
}

/**
 * Shard group duration for a period, as InfluxDB chooses by default: shorter than 2 days → 1 h, up to about
 * 6 months → 1 day, longer → 7 days. Whole shards are dropped at once, so data lives up to one shard
 * duration past its period.
 */
export function shardHoursFor(periodHours: number): number {
  if (periodHours < 48) return 1;
  if (periodHours <= 183 * 24) return 24;
  return 168;
}

/**
 * The statements that bring a database's policies to `periods`: CREATE for a missing one, ALTER for one
 * whose period, shard duration or default flag differs (ALTER keeps every point; a shorter period drops
 * only the shards older than it at InfluxDB's next retention check). Nothing when all match: idempotent.
 */
export function retentionStatements(
  db: string,
  existing: readonly ExistingPolicy[],
  periods: RetentionPeriods,
): string[] {
  const out: string[] = [];
  for (const tier of Object.keys(RETENTION_POLICIES) as RetentionTier[]) {
    const name = RETENTION_POLICIES[tier];
    const hours = periods[tier];
    if (!Number.isInteger(hours) || hours < 1) {
      throw new RangeError(`retention of ${name} must be a whole number of hours ≥ 1, got ${hours}`);
    }
    const shard = shardHoursFor(hours);
    const isDefault = tier === 'records';
    const now = existing.find((p) => p.name === name);
    const spec = `DURATION ${hours}h REPLICATION 1 SHARD DURATION ${shard}h${isDefault ? ' DEFAULT' : ''}`;
    const target = `${influxIdentifier(name)} ON ${influxIdentifier(db)}`;
    if (!now) {
      out.push(`CREATE RETENTION POLICY ${target} ${spec}`);
    } else if (
      Math.abs(now.durationHours - hours) > 1e-9 ||
      Math.abs(now.shardHours - shard) > 1e-9 ||
      (isDefault && !now.isDefault)
    ) {
      out.push(`ALTER RETENTION POLICY ${target} ${spec}`);
    }
  }
  return out;
}

/** A continuous query of ours: its name and its full `CREATE CONTINUOUS QUERY` text. */
export interface ContinuousQuery {
  name: string;
  create: string;
}

/** Prefix of the continuous queries the platform owns (others are left alone). */
export const CQ_PREFIX = 'lg_';

/**
 * The SELECT … INTO that computes the aggregates of `kind` for `tier`: per device, owner and quality
 * (`q`), per bucket: `<f>_min`, `<f>_max`, `<f>_sum`, `<f>_count` of every numeric field and `n`, the
 * readings. Means are `sum / count`, so coarser buckets and charts combine them exactly; qualified and
 * unqualified counts are `n` of the `q=ok` and `q=bad` series. The continuous query runs it for the last
 * few buckets; `where` (a time range) recomputes any period, e.g. after a backfill.
 */
export function aggregateSelect(db: string, kind: DeviceKind, tier: AggregateTier, where = ''): string {
  const fields = aggregatedFields(kind);
  const q = influxIdentifier;
  const into = `${q(db)}.${q(AGGREGATES[tier].rp)}.${q(kind)}`;
  let select: string;
  let from: string;
  if (tier === 'minute') {
    select = fields
      .map(
        (f) =>
          `min(${q(f)}) AS ${q(f + '_min')}, max(${q(f)}) AS ${q(f + '_max')}, sum(${q(f)}) AS ${q(f + '_sum')}, count(${q(f)}) AS ${q(f + '_count')}`,
      )
      .concat(`count("rx") AS "n"`)
      .join(', ');
    from = `${q(db)}.${q(RETENTION_POLICIES[kind])}.${q(kind)}`;
  } else {
    select = fields
      .map(
        (f) =>
          `min(${q(f + '_min')}) AS ${q(f + '_min')}, max(${q(f + '_max')}) AS ${q(f + '_max')}, sum(${q(f + '_sum')}) AS ${q(f + '_sum')}, sum(${q(f + '_count')}) AS ${q(f + '_count')}`,
      )
      .concat(`sum("n") AS "n"`)
      .join(', ');
    from = `${q(db)}.${q(AGGREGATES.minute.rp)}.${q(kind)}`;
  }
  const filter = where === '' ? '' : ` WHERE ${where}`;
  return `SELECT ${select} INTO ${into} FROM ${from}${filter} GROUP BY time(${AGGREGATES[tier].every}), "device", "owner", "q"`;
}

/** The platform's continuous queries: per kind, 1-minute aggregates of the raw readings and 1-hour ones of those. */
export function continuousQueries(db: string): ContinuousQuery[] {
  const out: ContinuousQuery[] = [];
  for (const kind of DEVICE_KINDS) {
    for (const tier of ['minute', 'hour'] as const) {
      const name = `${CQ_PREFIX}${kind}_${AGGREGATES[tier].every}`;
      const resample =
        tier === 'minute'
          ? `RESAMPLE EVERY 1m FOR ${MINUTE_RESAMPLE_FOR}`
          : `RESAMPLE EVERY 1h FOR ${HOUR_RESAMPLE_FOR}`;
      out.push({
        name,
        create: `CREATE CONTINUOUS QUERY ${influxIdentifier(name)} ON ${influxIdentifier(db)} ${resample} BEGIN ${aggregateSelect(db, kind, tier)} END`,
      });
    }
  }
  return out;
}

/**
 * The statements that bring the database's continuous queries to `wanted`: create the missing, drop and
 * create again those whose text changed, drop ours (`lg_…`) that are no longer wanted. InfluxDB cannot
 * alter a continuous query.
 */
export function continuousQueryStatements(
  db: string,
  existing: ReadonlyMap<string, string>,
  wanted: readonly ContinuousQuery[],
): string[] {
  const out: string[] = [];
  const drop = (name: string) =>
    out.push(`DROP CONTINUOUS QUERY ${influxIdentifier(name)} ON ${influxIdentifier(db)}`);
  for (const cq of wanted) {
    const now = existing.get(cq.name);
    // InfluxDB keeps the text with the quotes of plain identifiers removed.
    if (now !== undefined && unquoted(now) === unquoted(cq.create)) continue;
    if (now !== undefined) drop(cq.name);
    out.push(cq.create);
  }
  for (const name of existing.keys()) {
    if (name.startsWith(CQ_PREFIX) && !wanted.some((cq) => cq.name === name)) drop(name);
  }
  return out;
}

const unquoted = (text: string): string => text.replace(/"/g, '');

/**
 * When the daily recomputation of the aggregates runs next after `nowMs`: at `hourUtc`:30 UTC (default
 * 18:30 UTC, 02:30 in Asia/Shanghai, the quietest hour of the district's traffic).
 */
export function nextRecomputeAt(nowMs: number, hourUtc = 18): number {
  const day = 86_400_000;
  const today = Math.floor(nowMs / day) * day + hourUtc * 3_600_000 + 30 * 60_000;
  return today > nowMs ? today : today + day;
}
