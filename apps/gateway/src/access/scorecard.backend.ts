import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { influxConnection } from '@lg/config';
import { DutyCheckStore } from '@lg/duty';
import { Registry } from '@lg/registry';
import { ScorecardEngine, ScorecardResults, ScorecardSettingsStore, ScorecardSource } from '@lg/scorecard';
import { InfluxRepository } from '@lg/storage';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayRedis } from '../infra/redis';

/**
 * The gateway's scorecard engine: its own InfluxDB repository (queries of records and alert transitions,
 * kept results in measurement `scorecard`) and the live settings in Redis, shared with the workers.
 */
@Injectable()
export class ScorecardBackend implements OnApplicationShutdown {
  readonly engine: ScorecardEngine;
  readonly settings: ScorecardSettingsStore;
  private readonly influx: InfluxRepository;
  private readonly logger = new Logger('scorecard');

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, registry: Registry, redis: GatewayRedis) {
    this.influx = new InfluxRepository({ ...influxConnection(config), createDb: false }, this.logger);
    this.settings = new ScorecardSettingsStore(redis.commands, redis.names.prefix, (m) =>
      this.logger.warn(m),
    );
    const duty = new DutyCheckStore(redis.commands, redis.names.prefix);
    this.engine = new ScorecardEngine(
      registry,
      new ScorecardSource(this.influx),
      new ScorecardResults(this.influx),
      () => this.settings.get(),
      {
        maxComputing: config.SCORECARD_MAX_COMPUTING,
        maxWaiting: config.SCORECARD_MAX_WAITING,
        // The duty-check rate is measured from the checks asked in the period (libs/duty).
        dutyChecks: (companies, from, to) => duty.tallies(companies, from, to, Date.now()),
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.influx.close(1000);
  }
}
