import mqtt, { type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import type { Alert, ClientToServerEvents, ServerToClientEvents } from '@lg/contracts';
import { waitFor } from '@lg/services';

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
