import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { names } from '@lg/contracts';
import { IngestPipeline, ReadingLog, ReadingRouter, RejectionReporter, StoreConsumer } from '@lg/ingest';
import { IngestMqttClient } from '@lg/mqtt';
import { Metrics, Readiness } from '@lg/observability';
import { checkDurability, RedisConnections } from '@lg/redis';
import { Registry } from '@lg/registry';
import { alertTransitionLine, InfluxRepository, readingLine } from '@lg/storage';
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

  constructor(
    @Inject(INGEST_CONFIG) c: IngestConfig,
    registry: Registry,
    metrics: Metrics,
    readiness: Readiness,
  ) {
    const n = names(c.REDIS_PREFIX);
    this.connections = new RedisConnections(c.REDIS_URL, c.INGEST_INSTANCE);
    const redis = this.connections.open('commands');
    this.influx = new InfluxRepository({
      url: c.INFLUX_URL,
      api: c.INFLUX_API,
      db: c.INFLUX_DB,
      org: c.INFLUX_ORG,
      token: c.INFLUX_TOKEN,
      createDb: c.INFLUX_CREATE_DB,
    });

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

    const log = (this.log = new ReadingLog(redis, n.readings, (err, attempt) => {
      handoffRetries.inc();
      if (attempt === 1 || attempt % 50 === 0)
        this.logger.warn(`reading log append failed (attempt ${attempt}): ${String(err)}`);
    }));
    const rejections = new RejectionReporter(c.MQTT_TOPIC_ROOT, {
      publish: (topic, body) => this.mqtt.publish(topic, body, 0),
      count: (reason, kind) => rejected.inc({ reason, kind }),
      log: (message) => this.logger.warn(message),
    });
    const pipeline = new IngestPipeline(
      { root: c.MQTT_TOPIC_ROOT, futureToleranceMs: c.FUTURE_TOLERANCE_MS },
      registry,
      log,
      rejections,
      {
        accepted: (kind, ok, bad) => {
          if (ok) received.inc({ kind, quality: 'ok' }, ok);
          if (bad) received.inc({ kind, quality: 'bad' }, bad);
        },
      },
    );
    this.mqtt = new IngestMqttClient(
      {
        url: c.MQTT_URL,
        username: c.MQTT_USERNAME,
        password: c.MQTT_PASSWORD,
        root: c.MQTT_TOPIC_ROOT,
        clientIdBase: c.INGEST_INSTANCE,
        connections: c.INGEST_CONNECTIONS,
        shareGroup: c.INGEST_SHARE_GROUP,
        sessionExpirySec: c.MQTT_SESSION_EXPIRY_SEC,
      },
      (topic, payload) => pipeline.handle(topic, payload),
      (err, i) => this.logger.warn(`MQTT connection ${i}: ${err.message}`),
    );
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
    this.router = new ReadingRouter(
      this.connections.open('route-read', { blocking: true }),
      redis,
      n,
      this.queues,
      {
        partitions: c.RULE_PARTITIONS,
        consumer: c.INGEST_INSTANCE,
        onError: (err) => this.logger.warn(`routing to rules: ${String(err)}`),
        onRouted: (records) => routed.inc(records),
      },
    );

    readiness.register('redis', async () => {
      const d = await checkDurability(redis);
      return d.ok ? { ok: true } : { ok: false, detail: d.problems.join('; ') };
    });
    readiness.register('influxdb', async () => {
      const p = await this.influx.ping();
      return { ok: p.ok, detail: p.ok ? `InfluxDB ${p.version ?? ''}`.trim() : p.error };
    });
    readiness.register('mqtt', () => {
      const up = this.mqtt.connectedCount();
      return Promise.resolve({ ok: up > 0, detail: `${up}/${c.INGEST_CONNECTIONS} connections up` });
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.influx.init();
    await this.store.start();
    await this.router.start();
    await this.mqtt.connect();
    this.logger.log('ingest running');
  }

  async onApplicationShutdown(): Promise<void> {
    // Stop taking messages first; what was taken is in the log and will be stored and routed by whoever runs next.
    await this.mqtt.close();
    await this.router.stop();
    await this.store.stop();
    await Promise.all(this.queues.map((q) => q.close()));
    await this.influx.close();
    await this.connections.closeAll();
  }
}
