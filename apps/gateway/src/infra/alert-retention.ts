import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { IncidentStore, ShelfStore } from '@lg/alerts';
import { Metrics } from '@lg/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayRedis } from './redis';

/** How often the retention looks for closed alerts to delete, and how many it looks at in a pass at most. */
const TRIM_EVERY_MS = 60_000;
const MAX_EXAMINED = 2000;
/** Between two passes of one sweep, so that a long sweep leaves Redis to others. */
const PAUSE_MS = 100;

/**
 * Redis keeps closed alerts (inactive and acknowledged) for ALERT_RETENTION, then this deletes them; their
 * transitions stay in InfluxDB (`alert_event`). At start-up it first indexes alerts written before the
 * per-owner and per-state indexes existed. Every gateway runs it: a pass examines a bounded number of
 * alerts, and an alert deleted by one gateway is simply gone for the others.
 */
@Injectable()
export class AlertRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('alert-retention');
  private readonly retentionMs: number;
  private readonly trimmed: Counter;
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private stopping = false;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly redis: GatewayRedis,
    metrics: Metrics,
  ) {
    this.retentionMs = config.ALERT_RETENTION * 1000;
    this.trimmed = metrics.counter('lg_gateway_alerts_trimmed_total', 'Closed alerts deleted from Redis');
  }

  onApplicationBootstrap(): void {
    this.pass = this.sweep(true);
    this.timer = setInterval(() => {
      this.pass ??= this.sweep(false);
    }, TRIM_EVERY_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.pass;
  }

  /** Passes of at most MAX_EXAMINED alerts each, a moment apart, until every cleared alert was looked at. */
  private async sweep(first: boolean): Promise<void> {
    try {
      if (first) {
        const indexed = await this.redis.alerts.buildIndexes();
        if (indexed > 0) this.logger.log(`indexed ${indexed} alerts by owner and state`);
      }
      // Shelves that ended come off with an `unshelved` transition (screens already show them again by
      // the clock: this puts it in the history and on the alert). Every gateway may do it: a shelf lifted by
      // one is simply gone for the others.
      const lifted = await new ShelfStore(this.redis.commands, this.redis.names, this.redis.alerts).expire(
        Date.now(),
      );
      if (lifted > 0) this.logger.log(`unshelved ${lifted} alerts whose shelf time is over`);
      // Incidents go once their members have all gone (and their latest joined before the cutoff).
      const incidents = await new IncidentStore(
        this.redis.commands,
        this.redis.names,
        this.redis.alerts,
      ).trim(Date.now() - this.retentionMs);
      if (incidents > 0) this.logger.log(`deleted ${incidents} incidents whose alerts have all gone`);
      let cursor = 0;
      let done = false;
      while (!done && !this.stopping) {
        const outcome = await this.redis.alerts.trimClosed(
          Date.now() - this.retentionMs,
          MAX_EXAMINED,
          cursor,
        );
        this.trimmed.inc(outcome.deleted);
        if (outcome.deleted > 0)
          this.logger.log(`deleted ${outcome.deleted} closed alerts (of ${outcome.examined} examined)`);
        cursor = outcome.next;
        done = outcome.done;
        if (!done) await new Promise((r) => setTimeout(r, PAUSE_MS));
      }
    } catch (err) {
      // Redis away or shutting down: the next sweep tries again.
      this.logger.warn(`alert retention: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.pass = undefined;
    }
  }
}
