import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { Alert, ClientToServerEvents, ServerToClientEvents } from '@lg/contracts';
import type { Device, RegistryData } from '@lg/registry';
import { waitFor } from '@lg/services';
import type { Platform } from '@lg/testing';
import { Jt808Terminal, type TerminalIdentity } from '@lg/simulators/jt808/terminal';

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

  async waitForAlert(match: (a: Alert) => boolean, what: string, timeoutMs = 10_000): Promise<Alert> {
    let found: Alert | undefined;
    await waitFor(what, () => (found = this.alerts.find(match)) !== undefined, timeoutMs, 10);
    return found!;
  }

  close(): void {
    this.socket.close();
  }
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
  const client = mqtt.connect(url, {
    username,
    password,
    clientId: `${username}-${Math.random().toString(36).slice(2, 8)}`,
    protocolVersion: 5,
    reconnectPeriod: survive ? 200 : 0,
    clean: !survive,
    ...(survive ? { properties: { sessionExpiryInterval: 3600 } } : {}),
  });
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
