import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { influxConnection, redisEndpoint, retentionPeriods } from '@lg/config';
import { ingestSubscription, names, ownerSubscriptions, type Names } from '@lg/contracts';
import {
  IngestPipeline,
  intakeGuards,
  MessageIntake,
  PlatformLinks,
  ReadingLog,
  ReadingRouter,
  RejectionLog,
  RejectionReporter,
  StoreConsumer,
  TruckPositions,
} from '@lg/ingest';
import { DutyCheckStore, DutyDesk, DutySettingsStore } from '@lg/duty';
import { IngestMqttClient } from '@lg/mqtt';
import { Metrics, Readiness, StartupWaits } from '@lg/observability';
import { RedisConnections, redisReadiness, requireDurability } from '@lg/redis';
import { Registry } from '@lg/registry';
import {
  alertTransitionLine,
  InfluxLifecycle,
  InfluxRepository,
  aggregateSettledBefore,
  nextRecomputeAt,
  readingLine,
  rejectionLine,
  RejectionTimes,
  type RetentionPeriods,
} from '@lg/storage';
import { INGEST_CONFIG, type IngestConfig } from './config';

/**
 * Wires the ingest process: MQTT → validation → durable reading log (then PUBACK); the log → InfluxDB;
 * the log → rule partitions (BullMQ). Starts and stops them in order.
 */
@Injectable()
export class IngestRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ingest');
  private readonly connections: RedisConnections;
  private readonly influx: InfluxRepository;
  private readonly mqtt: IngestMqttClient;
  private readonly store: StoreConsumer;
  private readonly router: ReadingRouter;
  private readonly queues: Queue[];
  private readonly log: ReadingLog;
  private readonly redis: Redis;
  private readonly names: Names;
  private readonly rejectionLog: RejectionLog;
  private readonly duty: DutyDesk;
  private readonly background: Promise<void>[] = [];
  private readonly positions = new TruckPositions();
  private readonly rejections: RejectionReporter;
  /** Logs what the rejection log windows held back, once they ended. */
  private rejectionsTimer: NodeJS.Timeout | undefined;
  /** What start-up still waits for, and why: shown on /ready. */
  private readonly waits = new StartupWaits(this.logger);
  private stopping = false;
  private readonly retention: RetentionPeriods;
  private readonly lifecycle: InfluxLifecycle;
  /** Refreshes the storage size gauges (series, shards, disk), which InfluxDB computes on demand. */
  private storageTimer: NodeJS.Timeout | undefined;
  private readonly refreshStorageStats: () => Promise<void>;
  /** The daily recomputation of the aggregates (INGEST_INDEX 0 only). */
  private recomputeTimer: NodeJS.Timeout | undefined;
  private readonly recomputeDays: number;

  constructor(
    @Inject(INGEST_CONFIG) c: IngestConfig,
    registry: Registry,
    metrics: Metrics,
    readiness: Readiness,
  ) {
    const n = (this.names = names(c.REDIS_PREFIX));
    this.connections = new RedisConnections(redisEndpoint(c), c.INGEST_INSTANCE);
    const redis = (this.redis = this.connections.open('commands'));
    this.influx = new InfluxRepository(influxConnection(c));
    this.retention = retentionPeriods(c);
    this.recomputeDays = c.INGEST_INDEX === 0 ? c.AGGREGATE_RECOMPUTE_DAYS : 0;
    this.lifecycle = new InfluxLifecycle(this.influx);
    const seriesGauge = metrics.gauge('lg_influx_series', 'Series in the InfluxDB database (cardinality)');
    const shardGauge = metrics.gauge('lg_influx_shards', 'Shards per retention policy', ['rp']);
    const diskGauge = metrics.gauge('lg_influx_disk_bytes', 'Bytes on disk per retention policy', ['rp']);
    this.refreshStorageStats = async () => {
      try {
        const stats = await this.lifecycle.stats();
        seriesGauge.set(stats.seriesCardinality);
        for (const [rp, n] of Object.entries(stats.shards)) shardGauge.set({ rp }, n);
        for (const [rp, n] of Object.entries(stats.diskBytes)) diskGauge.set({ rp }, n);
      } catch (err) {
        this.logger.warn(`reading InfluxDB storage figures: ${String(err)}`);
      }
    };

    const received = metrics.counter('lg_ingest_readings_total', 'Readings accepted into the reading log', [
      'kind',
      'quality',
    ]);
    const rejected = metrics.counter('lg_ingest_rejected_total', 'Refused messages or readings', [
      'reason',
      'kind',
    ]);
    const stored = metrics.counter('lg_ingest_points_stored_total', 'Points written to InfluxDB');
    const refused = metrics.counter(
      'lg_ingest_points_refused_total',
      'Points InfluxDB refused for good (malformed, type conflict)',
    );
    const routed = metrics.counter('lg_ingest_records_routed_total', 'Records handed to the rule partitions');
    const handoffRetries = metrics.counter(
      'lg_ingest_handoff_retries_total',
      'Retries of the durable hand-off to Redis',
    );
    metrics.gauge(
      'lg_ingest_handoff_backlog',
      'Records waiting for the durable hand-off',
      [],
      () => this.log.backlog,
    );

    const log = (this.log = ReadingLog.forIntake(this.connections, redis, n.readings, c, {
      line: readingLine,
      retried: () => handoffRetries.inc(),
      warn: (message) => this.logger.warn(message),
    }));
    const rejections = (this.rejections = new RejectionReporter(c.MQTT_TOPIC_ROOT, {
      publish: (topic, body) => this.mqtt.publish(topic, body, 0),
      count: (reason, kind) => rejected.inc({ reason, kind }),
      log: (message) => this.logger.warn(message),
    }));
    // Labelled by owner: the registry's owners only (the log ignores any other), so the series are bounded.
    const rejectedByOwner = metrics.counter(
      'lg_ingest_rejected_by_owner_total',
      'Refused messages or readings per owner (company, slope site, pipeline network)',
      ['owner'],
    );
    // Kept refusals also go to InfluxDB (`rejection`, the records policy: years, not the history's week).
    const archiveTimes = new RejectionTimes();
    const unarchived = metrics.counter(
      'lg_ingest_rejections_unarchived_total',
      'Kept refusals InfluxDB did not take (they stay in the week-long Redis history only)',
    );
    const archive = (lines: string[]): void => {
      this.influx.write(lines).then(
        (result) => {
          if (result.rejected.length > 0) unarchived.inc(result.rejected.length);
        },
        (err: unknown) => {
          unarchived.inc(lines.length);
          this.logger.warn(`archiving refusals to InfluxDB: ${String(err)}`);
        },
      );
    };
    this.rejectionLog = new RejectionLog(redis, c.REDIS_PREFIX, (owner) => registry.isOwner(owner), {
      maxPerOwner: c.REJECTION_HISTORY_MAX,
      archive: (records) => archive(records.map((r) => rejectionLine(r, archiveTimes.at(r)))),
      onRefusal: (owner) => rejectedByOwner.inc({ owner }),
      onError: (err) => this.logger.warn(`keeping refusals for the console: ${String(err)}`),
    });
    metrics.gauge(
      'lg_ingest_rejections_unkept',
      'Refusals not kept in the owners’ histories (beyond 100 per owner per 100 ms), since start',
      [],
      () => this.rejectionLog.dropped,
    );
    const intake = new MessageIntake(
      { root: c.MQTT_TOPIC_ROOT, futureToleranceMs: c.FUTURE_TOLERANCE_MS },
      registry,
      intakeGuards(c),
    );
    const pipeline = new IngestPipeline(
      intake,
      log,
      rejections,
      {
        accepted: (kind, ok, bad) => {
          if (ok) received.inc({ kind, quality: 'ok' }, ok);
          if (bad) received.inc({ kind, quality: 'bad' }, bad);
        },
      },
      this.positions,
      Date.now,
      (topic) => this.mqtt.publish(topic, '', 0, true),
      this.rejectionLog,
    );
    // Duty checks (平台查岗) are asked and answered over this process's broker connection.
    let dutyConnections = 0;
    const duty = (this.duty = new DutyDesk(
      new DutyCheckStore(redis, c.REDIS_PREFIX),
      new DutySettingsStore(redis, c.REDIS_PREFIX),
      {
        root: c.MQTT_TOPIC_ROOT,
        companies: registry.allCompanies().map((company) => company.id),
        connection: () => this.connections.open(`duty-${++dutyConnections}`, { blocking: true }),
        bullPrefix: n.bullPrefix,
        schedule: c.DUTY_CHECK_SCHEDULE,
        publish: (topic, body) => this.mqtt.publish(topic, body, 1),
        onError: (err, where) =>
          this.logger.warn(`${where}: ${err instanceof Error ? err.message : String(err)}`),
      },
    ));
    // Company platforms' and site/network gateways' link status (docs/contract.md, "platform links"):
    // rare messages, kept per company or gateway, and as causes for inhibition (docs/rules.md).
    const links = new PlatformLinks(redis, {
      root: c.MQTT_TOPIC_ROOT,
      prefix: c.REDIS_PREFIX,
      isCompany: (id) => registry.company(id) !== undefined,
      gatewayOwner: (id) => registry.gateway(id)?.owner,
    });
    const handle = async (
      topic: string,
      payload: Buffer,
      retained: boolean,
      correlation?: Buffer,
    ): Promise<void> => {
      if (links.handles(topic)) {
        try {
          const change = await links.onStatus(topic, payload);
          if (change) this.logger.log(`link of ${change.subject}: ${change.state}`);
        } catch (err) {
          this.logger.warn(`platform link status on ${topic.slice(0, 160)}: ${String(err)}`);
        }
        return;
      }
      if (!duty.handles(topic)) return pipeline.handle(topic, payload, retained, correlation);
      try {
        await duty.onAnswer(topic, payload);
      } catch (err) {
        this.logger.warn(`duty-check answer on ${topic.slice(0, 160)}: ${String(err)}`);
      }
    };
    this.mqtt = new IngestMqttClient(
      {
        url: c.MQTT_URL,
        username: c.MQTT_USERNAME,
        password: c.MQTT_PASSWORD,
        root: c.MQTT_TOPIC_ROOT,
        clientIdBase: c.INGEST_INSTANCE,
        subscriptions:
          c.INGEST_SUBSCRIPTION === 'shared'
            ? Array.from({ length: c.INGEST_CONNECTIONS }, () => [
                ingestSubscription(c.MQTT_TOPIC_ROOT, c.INGEST_SHARE_GROUP),
              ])
            : ownerSubscriptions(
                c.MQTT_TOPIC_ROOT,
                registry.owners(),
                c.INGEST_INSTANCES,
                c.INGEST_INDEX,
                c.INGEST_CONNECTIONS,
              ),
        sessionExpirySec: c.MQTT_SESSION_EXPIRY_SEC,
      },
      handle,
      (err, i) => this.logger.warn(`MQTT connection ${i}: ${err.message}`),
    );
    // On the device listener a registry identity's client ID is its username: a device named like one of
    // our connections could take over that connection's session.
    const taken = this.mqtt.clientIds().filter((id) => registry.device(id) || registry.isOwner(id));
    if (taken.length > 0) {
      throw new Error(
        `INGEST_INSTANCE ${c.INGEST_INSTANCE} gives MQTT client IDs that are registry identities: ${taken.join(', ')}`,
      );
    }
    this.store = new StoreConsumer(
      this.connections.open('store-read', { blocking: true }),
      redis,
      n,
      {
        write: async (lines) => {
          const result = await this.influx.write(lines);
          if (result.rejected.length > 0) {
            refused.inc(result.rejected.length);
            this.logger.warn(
              `InfluxDB refused ${result.rejected.length} point(s), e.g. ${result.rejected[0].reason}`,
            );
          }
          stored.inc(result.written);
        },
      },
      {
        reading: readingLine,
        transition: (r) => alertTransitionLine(r.transition, r.alert),
      },
      {
        consumer: c.INGEST_INSTANCE,
        onError: (err) => this.logger.warn(`storing to InfluxDB: ${String(err)}`),
      },
    );
    const queueConnection = this.connections.open('queues', { blocking: true });
    this.queues = Array.from(
      { length: c.RULE_PARTITIONS },
      (_, p) => new Queue(n.rulesQueue(p), { connection: queueConnection, prefix: n.bullPrefix }),
    );
    const debug = c.LOG_LEVEL === 'debug' || c.LOG_LEVEL === 'verbose';
    this.router = new ReadingRouter(
      this.connections.open('route-read', { blocking: true }),
      redis,
      n,
      this.queues,
      {
        partitions: c.RULE_PARTITIONS,
        consumer: c.INGEST_INSTANCE,
        onError: (err) => this.logger.warn(`routing to rules: ${String(err)}`),
        onRouted: (records, jobs, upTo) => {
          routed.inc(records);
          // Per pass (not per reading), and only at debug: the jobs a transition's trace names, with their
          // reading-log entries (README, "Follow an alert back to its message").
          if (debug)
            this.logger.debug({
              msg: 'routed',
              upTo,
              records,
              jobs: jobs.map((j) => `${j.queueName}:${j.id ?? ''}`),
            });
        },
      },
    );

    readiness.register('redis', () => redisReadiness(redis, c.REDIS_MIN_REPLICAS));
    readiness.register('influxdb', async () => {
      const p = await this.influx.ping();
      return { ok: p.ok, detail: p.ok ? `InfluxDB ${p.version ?? ''}`.trim() : p.error };
    });
    readiness.register('mqtt', () => {
      const up = this.mqtt.connectedCount();
      const waiting = this.waits.reason('a durable Redis');
      const detail = waiting
        ? `not connecting until Redis is durable: ${waiting}`
        : `${up}/${c.INGEST_CONNECTIONS} connections up`;
      return Promise.resolve({ ok: up > 0, detail });
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.router.start();
    this.positions.startPublishing(this.redis, this.names.positionsChannel, (err) =>
      this.logger.warn(`publishing truck positions: ${String(err)}`),
    );
    this.rejectionsTimer = setInterval(() => this.rejections.flush(Date.now()), 60_000);
    // Neither waits for the other, nor blocks start-up: /ready tells what is missing meanwhile.
    this.background.push(
      this.waits
        .until('InfluxDB', async () => {
          await this.influx.init();
          await this.applyRetention();
        })
        .then(() => {
          if (this.influx.layout.managed) {
            void this.refreshStorageStats();
            this.storageTimer = setInterval(() => void this.refreshStorageStats(), 60_000);
            this.scheduleRecompute();
          }
          return this.store.start();
        }),
    );
    this.background.push(
      // Readings are acknowledged to the broker once they are in Redis, so Redis must keep them: ingest does
      // not take a single message from the broker (which keeps queueing for our sessions) until it does.
      this.waits
        .until('a durable Redis', () => requireDurability(this.redis))
        .then(() => this.mqtt.connect())
        .then(() =>
          this.duty
            .start()
            .catch((err: unknown) => this.logger.error(`duty checks not started: ${String(err)}`)),
        ),
    );
  }

  /**
   * Retention policies and continuous queries to the configured periods, before the first write: a write
   * to a policy that does not exist yet would be refused for good.
   */
  private async applyRetention(): Promise<void> {
    if (!this.influx.layout.managed) return;
    const changes = await this.lifecycle.apply(this.retention);
    for (const statement of [...changes.policies, ...changes.continuousQueries])
      this.logger.log(`InfluxDB: ${statement.length > 160 ? statement.slice(0, 160) + '…' : statement}`);
  }

  /**
   * Once a day, the aggregates of the last `recomputeDays` days computed again from raw readings, so
   * readings stored after their minute's continuous query ran (a terminal's blind-area upload) count in
   * the charts too. Off the hot path: InfluxDB does the work, in chunks of a few hours.
   */
  private scheduleRecompute(): void {
    if (this.recomputeDays <= 0 || this.stopping) return;
    const delay = nextRecomputeAt(Date.now()) - Date.now();
    this.recomputeTimer = setTimeout(() => {
      const now = Date.now();
      const from = now - this.recomputeDays * 86_400_000;
      const to = aggregateSettledBefore('hour', now);
      const started = Date.now();
      this.lifecycle
        // An hour per query: each stays well inside the repository's request timeout.
        .aggregate(from, to, undefined, undefined, 1)
        .then(() =>
          this.logger.log(
            `aggregates recomputed for ${new Date(from).toISOString()}..${new Date(to).toISOString()} in ${Date.now() - started} ms`,
          ),
        )
        .catch((err: unknown) => this.logger.warn(`recomputing the aggregates: ${String(err)}`))
        .finally(() => this.scheduleRecompute());
    }, delay);
    this.recomputeTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.waits.stop();
    await Promise.allSettled(this.background);
    // Stop taking messages first; what was taken is in the log and will be stored and routed by whoever runs next.
    await this.duty.stop();
    await this.mqtt.close();
    await this.rejectionLog.stop();
    this.positions.stopPublishing();
    clearInterval(this.rejectionsTimer);
    clearInterval(this.storageTimer);
    clearTimeout(this.recomputeTimer);
    this.rejections.flush(Infinity);
    await this.router.stop();
    await this.store.stop();
    await Promise.all(this.queues.map((q) => q.close()));
    await this.influx.close();
    await this.connections.closeAll();
  }
}
