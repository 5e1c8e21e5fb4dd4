import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { influxConnection, redisEndpoint } from '@lg/config';
import { names } from '@lg/contracts';
import { AlertStore } from '@lg/alerts';
import { OffsetClock, PartitionEvaluator, RulePackStore, RuleWorkers, systemClock } from '@lg/evaluation';
import { Metrics, Readiness } from '@lg/observability';
import { RedisConnections, redisReadiness } from '@lg/redis';
import { Registry } from '@lg/registry';
import type { RulePack } from '@lg/rules';
import { DutyCheckStore } from '@lg/duty';
import { ScorecardDaily } from '@lg/scorecard';
import { WORKER_CONFIG, type WorkerConfig } from './config';

/** Wires the worker process: partition leases → BullMQ workers → rule evaluation → alerts in Redis. */
@Injectable()
export class WorkerRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('worker');
  private readonly connections: RedisConnections;
  private readonly workers: RuleWorkers;
  private readonly packs: RulePackStore;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly scorecard: ScorecardDaily;
  private pack: RulePack;

  constructor(
    @Inject(WORKER_CONFIG) c: WorkerConfig,
    registry: Registry,
    metrics: Metrics,
    readiness: Readiness,
  ) {
    const n = names(c.REDIS_PREFIX);
    this.channel = n.rulesChannel;
    this.connections = new RedisConnections(redisEndpoint(c), c.WORKER_ID);
    const redis = this.connections.open('commands');
    this.subscriber = this.connections.open('rules-changed', { blocking: true });
    this.packs = new RulePackStore(redis, n, c.RULE_PACK_FILE);
    this.pack = this.packs.resolveFileOnly();
    const clock = c.LG_TEST_CLOCK ? new OffsetClock(redis, n.clockOffset) : systemClock;
    metrics.gauge(
      'lg_worker_clock_offset_ms',
      'How far the test clock runs ahead of the wall clock, ms',
      [],
      () => clock.now() - Date.now(),
    );
    const evaluator = new PartitionEvaluator(
      redis,
      n,
      registry,
      new AlertStore(redis, n),
      c.WORKER_ID,
      c.ESCALATION_DELAYS,
      clock,
      {
        keys: c.INCIDENT_GROUP_KEYS,
        windowMs: c.INCIDENT_WINDOW_SEC * 1000,
        maxSpanMs: c.INCIDENT_MAX_SPAN_SEC * 1000,
      },
    );
    const evaluated = metrics.counter('lg_worker_readings_evaluated_total', 'Readings run through the rules');
    const late = metrics.counter(
      'lg_worker_readings_late_total',
      'Late or duplicate readings (stored, not evaluated)',
    );
    const transitions = metrics.counter('lg_worker_alert_transitions_total', 'Alert transitions written');
    const escalations = metrics.counter(
      'lg_worker_escalations_total',
      'Alerts that climbed a step of their chain',
    );
    const gaps = metrics.counter(
      'lg_worker_reporting_gaps_total',
      "Readings that came more than 3 reporting intervals after the device's previous one (data lost upstream)",
      ['kind'],
    );
    const lag = metrics.histogram(
      'lg_worker_ingest_to_evaluation_seconds',
      'From ingest receipt to evaluation',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    );
    this.workers = new RuleWorkers(this.connections, redis, n, evaluator, () => this.pack, {
      partitions: c.RULE_PARTITIONS,
      workerId: c.WORKER_ID,
      leaseTtlMs: c.PARTITION_LEASE_MS,
      timerIntervalMs: c.TIMER_INTERVAL_MS,
      beforeTimers: clock instanceof OffsetClock ? () => clock.refresh() : undefined,
      onOutcome: (o, job) => {
        evaluated.inc(o.evaluated);
        late.inc(o.late);
        transitions.inc(o.transitions);
        escalations.inc(o.escalations);
        for (const [kind, count] of Object.entries(o.gaps)) gaps.inc({ kind }, count);
        const last = job.records[job.records.length - 1];
        if (last) lag.observe((Date.now() - last.rx) / 1000);
      },
      onError: (err, where) =>
        this.logger.warn(`${where}: ${err instanceof Error ? err.message : String(err)}`),
    });
    const duty = new DutyCheckStore(redis, c.REDIS_PREFIX);
    this.scorecard = new ScorecardDaily({
      influx: { ...influxConnection(c), createDb: false },
      redis,
      prefix: c.REDIS_PREFIX,
      bullPrefix: n.bullPrefix,
      connection: () => this.connections.bullConnection(),
      registry,
      cron: c.SCORECARD_CRON,
      logger: new Logger('scorecard'),
      dutyChecks: (companies, from, to) => duty.tallies(companies, from, to, Date.now()),
    });
    metrics.gauge(
      'lg_worker_partitions_owned',
      'Rule partitions this worker evaluates',
      [],
      () => this.workers.owned().length,
    );
    readiness.register('redis', () => redisReadiness(redis));
    readiness.register('partitions', () =>
      Promise.resolve({ ok: true, detail: `owns ${this.workers.owned().join(',') || 'none'}` }),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.reloadPack();
    await this.subscriber.subscribe(this.channel);
    this.subscriber.on('message', () => void this.reloadPack());
    await this.workers.start();
    await this.scorecard.start();
    this.logger.log(`worker running, partitions ${this.workers.owned().join(',') || 'none yet'}`);
  }

  /** Applies live rule changes; a pack that fails validation (it was validated when stored) keeps the old one. */
  private async reloadPack(): Promise<void> {
    try {
      this.pack = await this.packs.resolve();
    } catch (err) {
      this.logger.error(`rule pack not applied: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.workers.stop();
    await this.scorecard.stop();
    await this.connections.closeAll();
  }
}
