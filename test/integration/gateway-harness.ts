import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { io } from 'socket.io-client';
import { applySignal, type AlertStore, type AlertSubject } from '@lg/alerts';
import type { Alert, DeviceEvent, Position, Severity } from '@lg/contracts';
import { FencedBatch, type Leases } from '@lg/redis';
import { freePort, startInfluxServer, startRedisServer, waitFor, type ManagedProcess } from '@lg/services';
import type { LiveSocket } from '../e2e/helpers';
import { useStand } from '../stand';
import { gatewayConfig } from '../../apps/gateway/src/config';
import { createGateway } from '../../apps/gateway/src/gateway.app';
import { LiveStreamReader } from '../../apps/gateway/src/live/live-stream.reader';

/** Response bodies are checked with matchers, not typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** Everything one live-feed client received, by event. */
export interface Inbox {
  alerts: Alert[][];
  alert: Alert[];
  positions: Position[][];
  device: DeviceEvent[];
}

export interface GatewayHarnessOptions {
  /** Names the temporary folder. */
  name: string;
  /** The InfluxDB database and the Redis key prefix the gateway uses. */
  db: string;
  prefix: string;
  /** The registry file, or how to write one into the harness's folder. */
  registry: string | ((dir: string) => string);
  /** More of the gateway's environment (e.g. `LOGIN_MAX_FAILURES`). */
  env?: Record<string, string>;
  /** Run once Redis is up and before the gateway starts (e.g. to stage alerts it reads at start). */
  beforeGateway?: (redis: Redis) => Promise<void>;
}

/**
 * A gateway in this process against real Redis and InfluxDB, each on a free port in a temporary folder:
 * the set-up of the gateway's integration tests, and their API calls. `stop` closes all of it.
 */
export class GatewayHarness {
  private readonly sockets: LiveSocket[] = [];

  private constructor(
    readonly dir: string,
    private readonly procs: ManagedProcess[],
    readonly redis: Redis,
    readonly influxUrl: string,
    readonly db: string,
    readonly app: NestExpressApplication,
    readonly base: string,
  ) {}

  static async start(o: GatewayHarnessOptions): Promise<GatewayHarness> {
    const dir = mkdtempSync(join(tmpdir(), `lg-${o.name}-`));
    const [redisPort, influxPort, rpcPort] = [await freePort(), await freePort(), await freePort()];
    const procs = await Promise.all([
      startRedisServer({ dir: join(dir, 'redis'), port: redisPort }),
      startInfluxServer({ dir: join(dir, 'influxdb'), port: influxPort, rpcPort }),
    ]);
    const influxUrl = `http://127.0.0.1:${influxPort}`;
    const redis = new Redis(`redis://127.0.0.1:${redisPort}`);
    let app: NestExpressApplication | undefined;
    try {
      await o.beforeGateway?.(redis);
      const config = gatewayConfig({
        LG_MODE: 'demo',
        REGISTRY_FILE: typeof o.registry === 'string' ? o.registry : o.registry(dir),
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        REDIS_PREFIX: o.prefix,
        INFLUX_URL: influxUrl,
        INFLUX_DB: o.db,
        // Points are written straight to the default RP here; retention has its own test (lifecycle).
        INFLUX_RETENTION: 'false',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        LOG_LEVEL: 'warn',
        ...o.env,
      });
      app = await createGateway(config, ['error']);
      await app.listen(0, '127.0.0.1');
      const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      const reader = app.get(LiveStreamReader);
      await waitFor('the live stream reader to start', () => reader.started);
      // The gateway creates the database at start-up (INFLUX_CREATE_DB).
      await waitFor('the InfluxDB database', async () => {
        const res = await fetch(`${influxUrl}/query?q=SHOW%20DATABASES`);
        return JSON.stringify(await res.json()).includes(o.db);
      });
      return new GatewayHarness(dir, procs, redis, influxUrl, o.db, app, base);
    } catch (err) {
      // Nothing it started outlives a failed start: jest must exit on its own.
      await app?.close();
      await redis.quit();
      await Promise.all(procs.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** A request to the gateway: the body as JSON when it is, a workbook as bytes, anything else as text. */
  async request(
    path: string,
    token?: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: Json; res: Response }> {
    const res = await fetch(this.base + path, {
      ...init,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
    if ((res.headers.get('content-type') ?? '').includes('spreadsheetml'))
      return { status: res.status, body: Buffer.from(await res.arrayBuffer()), res };
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body, res };
  }

  /** `request`'s status and body only (to compare whole answers). */
  async api(path: string, token?: string, init: RequestInit = {}): Promise<{ status: number; body: Json }> {
    const { status, body } = await this.request(path, token, init);
    return { status, body };
  }

  /** `POST /api/auth/login` of `body` as JSON, whatever it holds (refusals are tested too). */
  postLogin(body: object): Promise<{ status: number; body: Json }> {
    return this.api('/api/auth/login', undefined, { method: 'POST', body: JSON.stringify(body) });
  }

  /** A demo user's token (the password is the user name unless given). */
  async login(username: string, password = username): Promise<string> {
    const { status, body } = await this.postLogin({ username, password });
    expect(status).toBe(200);
    return body.token as string;
  }

  /**
   * A Socket.IO client of the gateway's namespace `path` with `token` in its handshake (none: no auth) and
   * `headers`, not reconnecting; `stop` disconnects it.
   */
  socket(token?: string, o: { path?: string; headers?: Record<string, string> } = {}): LiveSocket {
    const socket: LiveSocket = io(`${this.base}${o.path ?? '/live'}`, {
      auth: token === undefined ? {} : { token },
      transports: ['websocket'],
      ...(o.headers ? { extraHeaders: o.headers } : {}),
      reconnection: false,
    });
    this.sockets.push(socket);
    return socket;
  }

  /** A live-feed client with `token` whose `inbox` records everything it is sent. */
  live(token?: string): { socket: LiveSocket; inbox: Inbox } {
    const socket = this.socket(token);
    const inbox: Inbox = { alerts: [], alert: [], positions: [], device: [] };
    socket.on('alerts', (list) => inbox.alerts.push(list));
    socket.on('alert', (a) => inbox.alert.push(a));
    socket.on('positions', (p) => inbox.positions.push(p));
    socket.on('device', (d) => inbox.device.push(d));
    return { socket, inbox };
  }

  /** Writes line-protocol points to the gateway's database, as ingest would. */
  async influxWrite(lines: string[]): Promise<void> {
    const res = await fetch(`${this.influxUrl}/write?db=${this.db}&precision=ms`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    expect(res.status).toBe(204);
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.disconnect();
    await this.app.close();
    await this.redis.quit();
    await Promise.all(this.procs.map((p) => p.stop()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A `GatewayHarness` for the calling `describe` block, started in its `beforeAll` (then `setup`) and
 * stopped in its `afterAll`.
 */
export function useGatewayHarness(
  options: GatewayHarnessOptions,
  setup?: (gw: GatewayHarness) => Promise<void>,
): GatewayHarness {
  return useStand(() => GatewayHarness.start(options), setup);
}

/**
 * Writes the opening of an alert of `subject` at `at` (epoch ms) the way the worker does: fenced by the
 * partition lease `lease`, which `leases` must hold. Escalation starts at the owner's company.
 */
export async function stageOpening(
  redis: Redis,
  store: AlertStore,
  leases: Leases,
  lease: string,
  o: { subject: AlertSubject; severity: Severity; at: number; message?: string },
): Promise<Alert> {
  const result = applySignal(
    undefined,
    o.subject,
    { type: 'fire', severity: o.severity, value: 90, threshold: 60, message: o.message ?? 'test' },
    o.at,
    (since) => ({ level: 'company', unit: o.subject.owner, since, notify: [] }),
  );
  if (!result) throw new Error('no transition');
  const batch = new FencedBatch(lease, leases.owner);
  store.stage(batch, result.alert, result.transition, true);
  await batch.exec(redis);
  return result.alert;
}
