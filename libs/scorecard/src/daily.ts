import type { ConnectionOptions } from 'bullmq';
import type Redis from 'ioredis';
import type { Registry } from '@lg/registry';
import { InfluxRepository, type InfluxRepositoryConfig, type StorageLogger } from '@lg/storage';
import { ScorecardEngine } from './engine';
import { ScorecardJobs } from './jobs';
import { ScorecardResults } from './results';
import type { DutyCheckTallies } from './settings';
import { ScorecardSettingsStore } from './settings-store';
import { ScorecardSource } from './source';

export interface ScorecardDailyOptions {
  influx: InfluxRepositoryConfig;
  /** Commands connection, for the live settings. */
  redis: Pick<Redis, 'get' | 'set'>;
  /** REDIS_PREFIX. */
  prefix: string;
  /** BullMQ prefix (`{REDIS_PREFIX}:bull`) and connection options. */
  bullPrefix: string;
  connection: () => ConnectionOptions;
  registry: Registry;
  /** Cron pattern in Asia/Shanghai; default 00:30. */
  cron?: string;
  logger: StorageLogger & { log(message: string): void };
  /** The duty checks of a period, for the measured duty-check rate. */
  dutyChecks?: DutyCheckTallies;
}

/**
 * The worker's part of the scorecard: the daily job on the `scorecard` queue and what it needs, an
 * InfluxDB repository of its own and the live settings. Start after Redis is reachable; stop before
 * closing the Redis connections.
 */
export class ScorecardDaily {
  private readonly influx: InfluxRepository;
  private readonly jobs: ScorecardJobs;

  constructor(o: ScorecardDailyOptions) {
    this.influx = new InfluxRepository({ ...o.influx, createDb: false }, o.logger);
    const settings = new ScorecardSettingsStore(o.redis, o.prefix, (m) => o.logger.warn(m));
    const engine = new ScorecardEngine(
      o.registry,
      new ScorecardSource(this.influx),
      new ScorecardResults(this.influx),
      () => settings.get(),
      o.dutyChecks ? { dutyChecks: o.dutyChecks } : {},
    );
    this.jobs = new ScorecardJobs(engine, {
      connection: o.connection,
      prefix: o.bullPrefix,
      cron: o.cron,
      onDone: (d) =>
        o.logger.log(
          `scorecard of ${d.day} kept: ${d.companies} companies, ${d.trucks} trucks, ${d.records} records`,
        ),
      onError: (err, where) => o.logger.warn(`${where}: ${err instanceof Error ? err.message : String(err)}`),
    });
  }

  start(): Promise<void> {
    return this.jobs.start();
  }

  async stop(): Promise<void> {
    await this.jobs.stop();
    await this.influx.close(1000);
  }
}
