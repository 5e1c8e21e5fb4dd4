import type { DeviceKind } from '@lg/contracts';
import { DEVICE_KINDS } from '@lg/contracts';
import type { InfluxRepository } from './influx-repository';
import { influxIdentifier } from './influxql';
import {
  AGGREGATES,
  CQ_PREFIX,
  RETENTION_POLICIES,
  aggregateSelect,
  continuousQueries,
  continuousQueryStatements,
  durationHours,
  retentionStatements,
  type ExistingPolicy,
  type RetentionPeriods,
} from './retention';

/** What `apply` changed. */
export interface LifecycleChanges {
  /** Retention policy statements run (CREATE / ALTER). */
  policies: string[];
  /** Continuous query statements run (CREATE / DROP). */
  continuousQueries: string[];
}

/** Size figures to watch, for `/metrics`. */
export interface StorageStats {
  /** Series in the database (InfluxDB's estimate). */
  seriesCardinality: number;
  /** Shards per retention policy. */
  shards: Record<string, number>;
  /** Bytes on disk per retention policy (TSM files, from `SHOW STATS`). */
  diskBytes: Record<string, number>;
}

/**
 * The data lifecycle of the platform's InfluxDB 1.x database, through the one InfluxDB class
 * (`InfluxRepository`): its retention policies and continuous queries brought to the configuration at
 * start-up (idempotent, on a new or an existing database), aggregates recomputed for any period, and the
 * size figures to watch.
 */
export class InfluxLifecycle {
  constructor(private readonly influx: InfluxRepository) {}

  /** The retention policies as InfluxDB has them. */
  async policies(): Promise<ExistingPolicy[]> {
    const series = await this.influx.query(`SHOW RETENTION POLICIES ON ${this.db()}`);
    return series.flatMap((s) =>
      s.rows.map((row) => ({
        name: String(row.name),
        durationHours: durationHours(String(row.duration)),
        shardHours: durationHours(String(row.shardGroupDuration)),
        isDefault: row.default === true,
      })),
    );
  }

  /**
   * Creates the missing retention policies and alters those whose period changed (no point is lost: a
   * shorter period drops the shards older than it at InfluxDB's next retention check), makes `records`
   * the default, and creates or replaces the platform's continuous queries.
   *
   * @throws Error when retention is not managed here (v2, or an INFLUX_DB naming its RP), or InfluxDB
   * refuses a statement.
   */
  async apply(periods: RetentionPeriods): Promise<LifecycleChanges> {
    if (!this.influx.layout.managed) {
      throw new Error('retention policies are managed only with INFLUX_API=v1 and an INFLUX_DB without /rp');
    }
    const policies = retentionStatements(this.influx.database, await this.policies(), periods);
    for (const statement of policies) await this.influx.query(statement);
    const existing = await this.continuousQueryTexts();
    const cqs = continuousQueryStatements(
      this.influx.database,
      existing,
      continuousQueries(this.influx.database),
    );
    for (const statement of cqs) await this.influx.query(statement);
    return { policies, continuousQueries: cqs };
  }

  /** Our continuous queries on the database: name → full text. */
  async continuousQueryTexts(): Promise<Map<string, string>> {
    const series = await this.influx.query('SHOW CONTINUOUS QUERIES');
    const out = new Map<string, string>();
    for (const s of series) {
      if (s.name !== this.influx.database) continue;
      for (const row of s.rows) {
        if (typeof row.name === 'string' && row.name.startsWith(CQ_PREFIX))
          out.set(row.name, String(row.query));
      }
    }
    return out;
  }

  /**
   * Recomputes the 1-minute and then the 1-hour aggregates of every kind over [fromMs, toMs), widened to
   * whole hours, `chunkHours` at a time (default 6, so no single query runs long): for readings written
   * after their continuous query ran (backfilled history, a terminal's blind-area upload, an imported
   * database). Rewriting a bucket replaces it.
   *
   * @param progress called after each chunk with its start and the number of chunks done and in all.
   */
  async aggregate(
    fromMs: number,
    toMs: number,
    progress?: (chunkStartMs: number, done: number, total: number) => void,
    kinds: readonly DeviceKind[] = DEVICE_KINDS,
    chunkHours = 6,
  ): Promise<void> {
    const hour = AGGREGATES.hour.widthMs;
    const start = Math.floor(fromMs / hour) * hour;
    const end = Math.ceil(toMs / hour) * hour;
    const chunk = Math.max(1, Math.floor(chunkHours)) * hour;
    const total = Math.max(1, Math.ceil((end - start) / chunk));
    let done = 0;
    for (let at = start; at < end; at += chunk) {
      const until = Math.min(end, at + chunk);
      const where = `time >= ${at}ms AND time < ${until}ms`;
      for (const kind of kinds) {
        await this.influx.query(aggregateSelect(this.influx.database, kind, 'minute', where));
        await this.influx.query(aggregateSelect(this.influx.database, kind, 'hour', where));
      }
      progress?.(at, ++done, total);
    }
  }

  /** Series cardinality, shards and disk per retention policy. */
  async stats(): Promise<StorageStats> {
    const db = this.influx.database;
    const [cardinality, shards, stats] = await Promise.all([
      this.influx.query(`SHOW SERIES CARDINALITY ON ${this.db()}`),
      this.influx.query('SHOW SHARDS'),
      this.influx.query('SHOW STATS'),
    ]);
    // 1.6 answers one column, `cardinality estimation` (later versions: `count`).
    const seriesCardinality = cardinality
      .flatMap((s) => s.rows)
      .reduce((sum, row) => {
        const n = row['cardinality estimation'] ?? row.count;
        return sum + (typeof n === 'number' ? n : 0);
      }, 0);
    const shardCount: Record<string, number> = {};
    for (const s of shards) {
      if (s.name !== db) continue;
      for (const row of s.rows) {
        const rp = String(row.retention_policy);
        shardCount[rp] = (shardCount[rp] ?? 0) + 1;
      }
    }
    const diskBytes: Record<string, number> = {};
    for (const s of stats) {
      if (s.name !== 'shard' || s.tags.database !== db) continue;
      const rp = s.tags.retentionPolicy ?? '';
      for (const row of s.rows) {
        if (typeof row.diskBytes === 'number') diskBytes[rp] = (diskBytes[rp] ?? 0) + row.diskBytes;
      }
    }
    for (const rp of Object.values(RETENTION_POLICIES)) {
      shardCount[rp] ??= 0;
      diskBytes[rp] ??= 0;
    }
    return { seriesCardinality, shards: shardCount, diskBytes };
  }

  private db(): string {
    return influxIdentifier(this.influx.database);
  }
}
