import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { Alert, AlertTransition, ClientToServerEvents, ServerToClientEvents } from '@lg/contracts';
import type { Device, RegistryData } from '@lg/registry';
import { DEMO_NOTIFY_CREDENTIALS, demoNotifyEnv, freePort, NotifyReceivers, waitFor } from '@lg/services';
import { demoRegistryWith, Platform, type PlatformOptions } from '@lg/testing';
import { Jt808Terminal, type TerminalIdentity } from '@lg/simulators/jt808/terminal';
import { DutyResponder } from '@lg/simulators/duty-responder';
import { stopInOrder, useStand } from '../stand';

export async function login(gateway: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${gateway}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200 && res.status !== 201) throw new Error(`login ${username}: HTTP ${res.status}`);
  return ((await res.json()) as { token: string }).token;
}

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Opens `/live` with a token and resolves once connected (rejects on `connect_error`); `listen` adds the
 * handlers before the connection, so that no event sent on connecting is missed.
 */
export async function connectLive(
  gateway: string,
  token: string,
  listen: (socket: LiveSocket) => void = () => undefined,
): Promise<LiveSocket> {
  const socket: LiveSocket = io(`${gateway}/live`, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  listen(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return socket;
}

/** A `/live` client that records every alert it is sent. */
export class LiveClient {
  readonly alerts: Alert[] = [];
  initial: Alert[] | undefined;

  private constructor(readonly socket: LiveSocket) {
    socket.on('alert', (a) => this.alerts.push(a));
    socket.on('alerts', (list) => (this.initial = list));
  }

  static async connect(gateway: string, token: string): Promise<LiveClient> {
    let client: LiveClient | undefined;
    await connectLive(gateway, token, (socket) => (client = new LiveClient(socket)));
    await waitFor('the initial alerts event', () => client!.initial !== undefined, 10_000);
    return client!;
  }

  /** The newest copy of each alert this client was sent (the initial list and every update since). */
  latest(): Map<string, Alert> {
    const out = new Map<string, Alert>();
    for (const a of [...(this.initial ?? []), ...this.alerts]) {
      const known = out.get(a.id);
      if (!known || a.updatedAt >= known.updatedAt) out.set(a.id, a);
    }
    return out;
  }

  async waitForAlert(match: (a: Alert) => boolean, what: string, timeoutMs = 10_000): Promise<Alert> {
    let found: Alert | undefined;
    await waitFor(what, () => (found = this.alerts.find(match)) !== undefined, timeoutMs, 10);
    return found!;
  }

  close(): void {
    this.socket.close();
  }
}

/** The operator's `/live` feed at the platform's gateway (logged in afresh: after a gateway restart too). */
export async function operatorLive(platform: Platform, app = 'gateway'): Promise<LiveClient> {
  const gateway = platform.url(app);
  return LiveClient.connect(gateway, await login(gateway, 'operator', 'operator'));
}

/**
 * The simulator's person on duty for `companies` on the platform's broker, answering every duty check
 * (reliability 1, a fixed seed) and keeping its company platforms' links up.
 */
export function dutyResponder(platform: Platform, companies: string[]): Promise<DutyResponder> {
  return DutyResponder.start({
    url: platform.services.mqttUrl,
    root: platform.root,
    companies,
    passwordOf: (u) => u,
    reliability: () => 1,
    seed: 1,
  });
}

/**
 * A started platform and what a suite opened on it (MQTT connections, terminals, live feeds): `stop` closes
 * those first, the last opened first, then stops the platform.
 */
export class PlatformStand {
  private readonly closers: Array<() => void | Promise<unknown>> = [];
  private readonly owners = new Map<string, MqttClient>();
  private redisClient: Redis | undefined;

  protected constructor(readonly platform: Platform) {}

  static async start(options: PlatformOptions = {}): Promise<PlatformStand> {
    return new PlatformStand(await Platform.start(options));
  }

  /** An MQTT connection of the device or owner `id`, closed with the stand; `owner(id)` gives it again. */
  async connect(id: string): Promise<MqttClient> {
    const client = await connectDevice(this.platform.services.mqttUrl, id);
    this.onStop(() => client.endAsync());
    this.owners.set(id, client);
    return client;
  }

  /** Publishes `reading` (or a batch) of P01's gas detector `detector` at QoS 1, over the stand's P01. */
  async publishGas(detector: string, reading: object): Promise<void> {
    await this.owner('P01').publishAsync(
      `${this.platform.root}/gas/P01/${detector}/telemetry`,
      JSON.stringify(reading),
      { qos: 1 },
    );
  }

  /** A simulated JT/T 808 terminal of a registry truck, connected and logged in, closed with the stand. */
  async terminal(truck: string): Promise<Jt808Terminal> {
    const terminal = await connectTerminal(this.platform, truck);
    this.onStop(() => terminal.close());
    return terminal;
  }

  /** The MQTT connection of `id`, which the stand has connected. */
  owner(id: string): MqttClient {
    const client = this.owners.get(id);
    if (!client) throw new Error(`${id} is not one of this stand's owners`);
    return client;
  }

  /** A connection to the platform's Redis, opened on first use (to look at keys, move the test clock). */
  get redis(): Redis {
    return (this.redisClient ??= new Redis(this.platform.services.redisUrl));
  }

  /** The platform's gateway (its base URL). */
  get gateway(): string {
    return this.platform.url('gateway');
  }

  /** The JSON body of a GET of `path` at the gateway with `token`, which must answer 200. */
  async getJson<T>(path: string, token: string): Promise<T> {
    const res = await fetch(`${this.gateway}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }

  /** A demo user's token at the platform's gateway (the password is the user name). */
  login(username: string): Promise<string> {
    return login(this.gateway, username, username);
  }

  /** Adds something the suite opened, closed when the stand stops, before the platform. */
  onStop(close: () => void | Promise<unknown>): void {
    this.closers.push(close);
  }

  /**
   * Closes everything even when one close fails (a platform left running would hold the test run open), and
   * then throws the first failure.
   */
  stop(): Promise<void> {
    return stopInOrder([
      ...[...this.closers].reverse(),
      () => this.redisClient?.quit(),
      () => this.platform.stop(),
    ]);
  }
}

/**
 * What most end-to-end suites start from: the platform, the operator's token and `/live` feed at its
 * gateway, and MQTT connections of the device owners the suite publishes as. `stop` closes all of it.
 */
export class OperatorStand extends PlatformStand {
  token = '';
  live!: LiveClient;

  static override async start(options: PlatformOptions = {}, owners: string[] = []): Promise<OperatorStand> {
    return OperatorStand.prepare(new OperatorStand(await Platform.start(options)), owners);
  }

  /**
   * Logs the operator in at the stand's gateway, opens the feed and the connections of `owners`; stops the
   * stand (its platform with it) if any of it fails.
   */
  protected static async prepare<T extends OperatorStand>(stand: T, owners: string[]): Promise<T> {
    try {
      stand.token = await login(stand.gateway, 'operator', 'operator');
      stand.live = await LiveClient.connect(stand.gateway, stand.token);
      for (const id of owners) await stand.connect(id);
      return stand;
    } catch (err) {
      await stand.stop();
      throw err;
    }
  }

  /** A `/live` feed with `token`, closed with the stand. */
  async liveOf(token: string): Promise<LiveClient> {
    const client = await LiveClient.connect(this.gateway, token);
    this.onStop(() => client.close());
    return client;
  }

  /** A GET (no body) or a POST of `body` as JSON to the gateway, with `token`. */
  api(path: string, token: string, body?: unknown): Promise<Response> {
    return fetch(`${this.gateway}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  /** An alert's history as the operator reads it, once `until` accepts it. */
  async history(id: string, until: (h: AlertTransition[]) => boolean): Promise<AlertTransition[]> {
    let list: AlertTransition[] = [];
    await waitFor(`the history of ${id}`, async () => {
      list = (await (
        await this.api(`/api/alerts/${encodeURIComponent(id)}/history`, this.token)
      ).json()) as AlertTransition[];
      return until(list);
    });
    return list;
  }

  /** Waits until the operator's device list shows every truck of `fleet` heard (with a `lastSeen`). */
  async waitForTrucksHeard(fleet: readonly string[]): Promise<void> {
    await waitFor(
      'the trucks to be heard',
      async () => {
        const devices = await this.getJson<Array<{ id: string; lastSeen: string | null }>>(
          '/api/devices?kind=truck',
          this.token,
        );
        return fleet.every((id) => devices.some((d) => d.id === id && d.lastSeen !== null));
      },
      30_000,
    );
  }

  /**
   * The end of an inhibition, on the operator's feed: the cause's alert clears, then every alert `held()`
   * returns closes by itself (acknowledged by the system, nobody had to), within 30 s each.
   */
  async waitForQuietRelease(cause: Alert, held: () => Alert[], what: string): Promise<void> {
    await waitFor(`${cause.rule} to clear`, () => this.live.latest().get(cause.id)?.active === false, 30_000);
    await waitFor(
      `${what} to close quietly`,
      () => held().every((a) => !a.active && a.acknowledged && a.ackedBy === 'system'),
      30_000,
    );
  }

  override async stop(): Promise<void> {
    this.live?.close();
    await super.stop();
  }
}

/** A stand's platform options, or how to make them once its `beforeAll` runs (files in a temporary folder). */
export type StandOptions = PlatformOptions | (() => PlatformOptions);

export const optionsOf = (options: StandOptions): PlatformOptions =>
  typeof options === 'function' ? options() : options;

/** How a `NotifyStand`'s apps are started: the environment of ingest and the worker, and each app's own. */
export interface NotifyStandOptions {
  /** The environment of ingest and the worker. */
  env?: Record<string, string>;
  /** Ingest's own, besides `env`. */
  ingest?: Record<string, string>;
  /** The worker's own, besides `env` (its notifications are on at all hours). */
  worker?: Record<string, string>;
  /** The gateway's environment (its port is the stand's). */
  gateway?: Record<string, string>;
  /** The SMS provider's API the worker speaks (the JSON gateway unless given). */
  sms?: 'json' | 'aliyun';
  /** Run once the gateway is up and before the worker starts (to point the SMS receipts at the gateway). */
  beforeWorker?: (receivers: NotifyReceivers, gateway: string) => void;
}

/**
 * What the notification suites start from: real receivers (an SMTP server, an HTTP SMS gateway and webhook
 * receiver, on loopback), the platform with its worker notifying them and its gateway on a port known
 * before the worker starts (the messages' links name it), and the operator's stand on it. `stop` stops the
 * receivers last.
 */
export class NotifyStand extends OperatorStand {
  private constructor(
    platform: Platform,
    readonly receivers: NotifyReceivers,
  ) {
    super(platform);
  }

  static async startNotifying(o: NotifyStandOptions, owners: string[] = []): Promise<NotifyStand> {
    const receivers = await NotifyReceivers.start({ ...DEMO_NOTIFY_CREDENTIALS });
    let platform: Platform | undefined;
    try {
      platform = await Platform.start({ apps: ['ingest'], env: { ...o.env, ...o.ingest } });
      const port = await freePort();
      const gateway = `http://127.0.0.1:${port}`;
      await platform.startApp('gateway', { ...o.gateway, HTTP_PORT: String(port) });
      o.beforeWorker?.(receivers, gateway);
      await platform.startApp('worker', {
        ...o.env,
        ...o.worker,
        NOTIFY_QUIET_HOURS: 'off',
        ...demoNotifyEnv(receivers, gateway, o.sms),
      });
    } catch (err) {
      await platform?.stop();
      await receivers.stop();
      throw err;
    }
    return OperatorStand.prepare(new NotifyStand(platform, receivers), owners);
  }

  override async stop(): Promise<void> {
    try {
      await super.stop();
    } finally {
      await this.receivers.stop();
    }
  }
}

/**
 * A `PlatformStand` for the calling `describe` block, started in its `beforeAll` (then `setup`, whose
 * connections belong on the stand: `connect`, `onStop`) and stopped in its `afterAll`.
 */
export function usePlatformStand(
  options: StandOptions = {},
  setup?: (stand: PlatformStand) => Promise<void>,
): PlatformStand {
  return useStand(() => PlatformStand.start(optionsOf(options)), setup);
}

/**
 * An `OperatorStand` for the calling `describe` block, started in its `beforeAll` with the MQTT connections
 * of `owners` (then `setup`) and stopped in its `afterAll`. What `setup` opens belongs on the stand
 * (`connect`, `liveOf`, `onStop`).
 */
export function useOperatorStand(
  options: StandOptions = {},
  owners: string[] = [],
  setup?: (stand: OperatorStand) => Promise<void>,
): OperatorStand {
  return useStand(() => OperatorStand.start(optionsOf(options), owners), setup);
}

/** A `NotifyStand` for the calling `describe` block, started in its `beforeAll` and stopped in its `afterAll`. */
export function useNotifyStand(
  options: NotifyStandOptions,
  owners: string[] = [],
  setup?: (stand: NotifyStand) => Promise<void>,
): NotifyStand {
  return useStand(() => NotifyStand.startNotifying(options, owners), setup);
}

/**
 * An MQTT v5 client as `username` with exactly `clientId` (the broker binds client IDs to identities),
 * not reconnecting unless `extra` says so; connecting, not yet connected.
 */
export function mqttClientAs(
  url: string,
  username: string | undefined,
  password: string | undefined,
  clientId: string,
  extra: IClientOptions = {},
): MqttClient {
  return mqtt.connect(url, {
    username,
    password,
    clientId,
    protocolVersion: 5,
    reconnectPeriod: 0,
    ...extra,
  });
}

/**
 * An MQTT v5 client for a device or owner identity. `survive` keeps a persistent session and reconnects,
 * so that publishes made across a broker restart are delivered once it is back.
 */
export async function connectDevice(
  url: string,
  username: string,
  password = username,
  survive = false,
): Promise<MqttClient> {
  const client = mqttClientAs(
    url,
    username,
    password,
    `${username}-${Math.random().toString(36).slice(2, 8)}`,
    {
      reconnectPeriod: survive ? 200 : 0,
      clean: !survive,
      ...(survive ? { properties: { sessionExpiryInterval: 3600 } } : {}),
    },
  );
  if (survive) client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

/** Publishes a truck's fixes (one object, or an array as one batch) as its company would, at QoS 1. */
export async function publishTruck(
  client: MqttClient,
  root: string,
  owner: string,
  truck: string,
  fixes: object,
): Promise<void> {
  await client.publishAsync(`${root}/truck/${owner}/${truck}/telemetry`, JSON.stringify(fixes), { qos: 1 });
}

/** Waits until InfluxDB holds `count` truck records that match `where` (InfluxQL, e.g. `device = 'T002'`). */
export async function waitForTruckRecords(platform: Platform, where: string, count: number): Promise<void> {
  await waitFor(`${count} truck records where ${where} in InfluxDB`, async () => {
    const rows = await platform.influxQuery(`SELECT count(rx) FROM raw_truck.truck WHERE ${where}`);
    return Number(rows[0]?.count ?? 0) === count;
  });
}

/** The JT/T 808 identity the registry gives a truck: its terminal number, plate and plate colour. */
export function terminalIdentity(
  platform: Platform,
  truck: string,
  extra: Partial<TerminalIdentity> = {},
): TerminalIdentity {
  const d = platform.registry.device(truck)!;
  return { terminal: d.terminal!, plate: d.plate!, plateColor: d.plateColor!, ...extra };
}

/** A simulated terminal of a registry truck, connected to the platform's JT/T 808 gateway and logged in. */
export async function connectTerminal(platform: Platform, truck: string): Promise<Jt808Terminal> {
  const terminal = await Jt808Terminal.connect(
    '127.0.0.1',
    platform.jt808Port(),
    terminalIdentity(platform, truck),
  );
  await terminal.logIn();
  return terminal;
}

/** Two fixes of each truck, 20 and 10 s before `start`, `latStep`° apart: heard, then silent from then on. */
export async function hearTrucks(
  client: MqttClient,
  root: string,
  owner: string,
  trucks: readonly string[],
  start: number,
  latStep: number,
): Promise<void> {
  for (const [i, id] of trucks.entries()) {
    for (let k = 0; k < 2; k++) {
      const ts = start - 20_000 + k * 10_000;
      const fix = { ts, lat: 22.7 + i * latStep, lon: 114.25, speed: 40, ignition: true, sats: 10 };
      await publishTruck(client, root, owner, id, fix);
    }
  }
}

/**
 * The demo registry written to `dir` with `trucks` added as `owner`'s: the n-th named `${name} n` and
 * plated `粤B ${plate}` with its zero-based number in four digits. Returns the file.
 */
export function registryWithTrucks(
  dir: string,
  trucks: readonly string[],
  owner: string,
  name: string,
  plate: string,
): string {
  return demoRegistryWith(dir, (data) =>
    data.devices.push(
      ...trucks.map((id, i) => ({
        id,
        kind: 'truck' as const,
        owner,
        name: `${name} ${i + 1}`,
        intervalSec: 10,
        plate: `粤B ${plate}${String(i).padStart(4, '0')}`,
      })),
    ),
  );
}

/**
 * A rule pack written to `dir`: truck.offline after `silenceSec` of silence, device.offline off, so that
 * each truck has one offline alert. Returns the file.
 */
export function truckOfflinePack(dir: string, silenceSec: number): string {
  const file = join(dir, 'pack.json');
  const pack = {
    'truck.offline': { config: { silenceSec, movingKmh: 5 } },
    'device.offline': { enabled: false },
  };
  writeFileSync(file, JSON.stringify(pack));
  return file;
}

/**
 * The platform of the inhibition suites, its files written to `dir`: `fleet` added as C01's trucks (see
 * `registryWithTrucks`), the rule pack of `truckOfflinePack` after `silenceSec`, the worker's timers every
 * 100 ms, the causes rechecked every second and no duty checks at random; `env` adds the suite's own.
 */
export function offlineFleetPlatform(
  dir: string,
  fleet: readonly string[],
  o: { name: string; plate: string; silenceSec: number; env: Record<string, string> },
): PlatformOptions {
  return {
    registryFile: registryWithTrucks(dir, fleet, 'C01', o.name, o.plate),
    env: {
      RULE_PACK_FILE: truckOfflinePack(dir, o.silenceSec),
      TIMER_INTERVAL_MS: '100',
      INHIBIT_RECHECK_SEC: '1',
      DUTY_CHECK_SCHEDULE: 'false',
      ...o.env,
    },
  };
}

/**
 * The scorecard tests' fleet in a registry: its trucks replaced by C01's T001–T003 and C02's T004–T005,
 * whatever the fleet of the day is.
 */
export function scorecardFleet(data: RegistryData): void {
  const truck = (id: string, owner: string): Device => ({
    id,
    kind: 'truck',
    owner,
    intervalSec: 10,
    plate: `粤B·${id}`,
  });
  data.devices = [
    ...data.devices.filter((d) => d.kind !== 'truck'),
    truck('T001', 'C01'),
    truck('T002', 'C01'),
    truck('T003', 'C01'),
    truck('T004', 'C02'),
    truck('T005', 'C02'),
  ];
}

/**
 * C01's rates on the scorecard tests' day, worked out by hand: both tiers give the fleet of `scorecardFleet`
 * the same day of readings (two of three trucks on the network, 58 of 79 segments complete, 64 of 66
 * records qualified, one of two trucks drifting).
 */
export function expectC01Rates(rates: Record<string, number>): void {
  expect(rates.access).toBeCloseTo(2 / 3, 4);
  expect(rates.online).toBe(1);
  expect(rates.completeness).toBeCloseTo(58 / 79, 4);
  expect(rates.qualification).toBeCloseTo(64 / 66, 4);
  expect(rates.drift).toBe(0.5);
}

/**
 * What load mode was told was taken (`acked`: each device's reading times, `count` of them) against what
 * `stored()` finds in InfluxDB (`device@time`): once as many are stored, exactly those, each once.
 */
export async function expectStoredAsAcked(
  acked: ReadonlyMap<string, number[]>,
  count: number,
  stored: () => Promise<string[]>,
): Promise<void> {
  const expected = new Set<string>();
  for (const [device, ts] of acked) for (const t of ts) expected.add(`${device}@${t}`);
  expect(expected.size).toBe(count);
  await waitFor(
    `all ${count} acknowledged readings in InfluxDB`,
    async () => (await stored()).length >= count,
    60_000,
    500,
  );
  const rows = await stored();
  expect(rows.length).toBe(count);
  expect(new Set(rows).size).toBe(rows.length);
  expect([...rows].sort()).toEqual([...expected].sort());
}
