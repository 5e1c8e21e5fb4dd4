import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { redisEndpoint } from '@lg/config';
import { names, type Names } from '@lg/contracts';
import { intakeGuards, MessageIntake, ReadingLog, TruckPositions } from '@lg/ingest';
import {
  ConnectionDirectory,
  Jt808ReadingSink,
  Jt808Relay,
  Jt808Server,
  TerminalRegistrations,
} from '@lg/jt808-server';
import { Metrics, Readiness, StartupWaits } from '@lg/observability';
import { checkDurability, RedisConnections, requireDurability } from '@lg/redis';
import { Registry } from '@lg/registry';
import { readingLine } from '@lg/storage';
import { JT808_CONFIG, type Jt808Config } from './config';

const DURABLE_REDIS = 'a durable Redis';

/**
 * Wires the JT/T 808 gateway: terminals over TCP → ingest's intake (the same validation as MQTT) → the
 * reading log in Redis (then 0x8001 to the terminal); registrations and connections in Redis; downlink
 * requests from the API over Redis pub/sub.
 */
@Injectable()
export class Jt808Runtime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('jt808');
  private readonly connections: RedisConnections;
  private readonly redis: Redis;
  private readonly names: Names;
  private readonly log: ReadingLog;
  private readonly relay: Jt808Relay;
  private readonly server: Jt808Server;
  private readonly positions = new TruckPositions();
  private readonly waits = new StartupWaits(this.logger);
  private starting: Promise<void> | undefined;
  private started = false;

  constructor(
    @Inject(JT808_CONFIG) private readonly c: Jt808Config,
    registry: Registry,
    metrics: Metrics,
    readiness: Readiness,
  ) {
    const n = (this.names = names(c.REDIS_PREFIX));
    this.connections = new RedisConnections(redisEndpoint(c), c.JT808_INSTANCE);
    const redis = (this.redis = this.connections.open('commands'));
    const frames = metrics.counter('lg_jt808_frames_total', 'Messages taken from terminals', ['msg']);
    const bad = metrics.counter('lg_jt808_bad_frames_total', 'Frames or messages refused, by reason', [
      'reason',
    ]);
    const registrations = metrics.counter('lg_jt808_registrations_total', 'Registrations by 0x8100 result', [
      'result',
    ]);
    const closed = metrics.counter('lg_jt808_closed_total', 'Connections closed, by reason', ['reason']);
    const readings = metrics.counter('lg_jt808_readings_total', 'Readings taken into the reading log', [
      'quality',
    ]);
    const rejected = metrics.counter('lg_jt808_rejected_total', 'Readings refused by validation', ['reason']);
    const retries = metrics.counter(
      'lg_jt808_handoff_retries_total',
      'Retries of the durable hand-off to Redis',
    );
    metrics.gauge('lg_jt808_connections', 'Open TCP connections', [], () => this.server.connectionCount);
    metrics.gauge('lg_jt808_terminals', 'Authenticated terminals', [], () => this.server.authenticatedCount);

    // Like ingest's: with REDIS_MIN_REPLICAS a report is acknowledged only once a replica has it too.
    this.log = ReadingLog.forIntake(this.connections, redis, n.readings, c, {
      line: readingLine,
      retried: () => retries.inc(),
      warn: (message) => this.logger.warn(message),
    });
    const intake = new MessageIntake(
      { root: c.MQTT_TOPIC_ROOT, futureToleranceMs: c.FUTURE_TOLERANCE_MS },
      registry,
      intakeGuards(c),
    );
    const lastLogged = new Map<string, number>();
    const sink = new Jt808ReadingSink(
      c.MQTT_TOPIC_ROOT,
      intake,
      this.log,
      {
        accepted: (ok, badCount) => {
          if (ok) readings.inc({ quality: 'ok' }, ok);
          if (badCount) readings.inc({ quality: 'bad' }, badCount);
        },
        refused: (r) => {
          rejected.inc({ reason: r.reason });
          // Once a minute per device and reason, so that a misbehaving terminal cannot flood the log.
          const key = `${r.where.device}|${r.reason}`;
          const now = Date.now();
          if ((lastLogged.get(key) ?? 0) + 60_000 <= now) {
            if (lastLogged.size > 100_000) lastLogged.clear();
            lastLogged.set(key, now);
            this.logger.warn(`refused a report of ${r.where.device}: ${r.reason}: ${r.message}`);
          }
        },
      },
      this.positions,
    );
    this.relay = new Jt808Relay(redis, this.connections.open('subscriber', { blocking: true }), n);
    const idleMs = c.JT808_IDLE_SEC * 1000;
    this.server = new Jt808Server(
      {
        host: c.JT808_HOST,
        port: c.JT808_PORT,
        instance: c.JT808_INSTANCE,
        idleMs,
        maxFrameBytes: c.JT808_MAX_FRAME_BYTES,
        reassembly: {
          maxMessages: c.JT808_REASSEMBLY_MESSAGES,
          maxPackages: c.JT808_REASSEMBLY_PACKAGES,
          timeoutMs: c.JT808_REASSEMBLY_TIMEOUT_SEC * 1000,
        },
        maxQueuedFrames: 64,
        maxBadFrames: c.JT808_MAX_BAD_FRAMES,
        maxConnections: c.JT808_MAX_CONNECTIONS,
      },
      {
        registry,
        registrations: new TerminalRegistrations(redis, n),
        connections: new ConnectionDirectory(redis, n, idleMs * 2),
        sink,
        tellInstance: (conn, m) => this.relay.tell(conn, m),
        answer: (a) => this.relay.answer(a),
        observer: {
          frame: (msg) => frames.inc({ msg }),
          badFrame: (reason) => bad.inc({ reason }),
          registration: (result) => registrations.inc({ result: String(result) }),
          closed: (reason) => closed.inc({ reason }),
          log: (message) => this.logger.warn(message),
        },
      },
    );
    readiness.register('redis', async () => {
      const d = await checkDurability(redis);
      return d.ok ? { ok: true } : { ok: false, detail: d.problems.join('; ') };
    });
    readiness.register('jt808', () =>
      Promise.resolve(
        !this.started
          ? { ok: false, detail: this.waitingFor() }
          : {
              ok: true,
              detail: `${this.server.authenticatedCount} terminals on ${c.JT808_HOST}:${c.JT808_PORT}`,
            },
      ),
    );
  }

  onApplicationBootstrap(): void {
    this.positions.startPublishing(this.redis, this.names.positionsChannel, (err) =>
      this.logger.warn(`publishing truck positions: ${String(err)}`),
    );
    // Terminals are let in only once Redis keeps what it is given: a 0x8001 means the report is durable.
    this.starting = this.startWhenDurable();
  }

  private async startWhenDurable(): Promise<void> {
    await this.waits.until(DURABLE_REDIS, async () => {
      await requireDurability(this.redis);
      await this.relay.listen(
        this.c.JT808_INSTANCE,
        (m) => this.server.onInstanceMessage(m),
        (err) => this.logger.warn(`downlink request: ${err instanceof Error ? err.message : String(err)}`),
      );
      const { port } = await this.server.start();
      this.started = true;
      this.logger.log(
        `JT/T 808 terminals on tcp://${this.c.JT808_HOST}:${port} (instance ${this.c.JT808_INSTANCE})`,
      );
    });
  }

  /** What /ready says while the terminals are not let in yet. */
  private waitingFor(): string {
    const reason = this.waits.reason(DURABLE_REDIS);
    return reason === undefined ? 'starting' : `waiting for ${DURABLE_REDIS}: ${reason}`;
  }

  async onApplicationShutdown(): Promise<void> {
    this.waits.stop();
    // Rejects with "stopping" when the terminals were never let in.
    await this.starting?.catch(() => undefined);
    await this.server.stop();
    this.positions.stopPublishing();
    await this.connections.closeAll();
  }
}
