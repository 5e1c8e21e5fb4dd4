import { io, type Socket } from 'socket.io-client';
import {
  LIVE_NAMESPACE,
  type AckResponse,
  type Alert,
  type ClientToServerEvents,
  type DeviceKind,
  type Incident,
  type IncidentAckResult,
  type IncidentView,
  type Severity,
  type ServerToClientEvents,
} from '@lg/contracts';

/** A device as `GET /api/devices` lists it (the fields the simulator reads). */
export interface DevicePresence {
  id: string;
  kind: DeviceKind;
  owner: string;
  /** Event time of its newest reading, ISO-8601; null if it never reported. */
  lastSeen: string | null;
  online: boolean;
}

/** A stored reading as the track and series APIs return it. */
export interface StoredPoint {
  ts: string;
  q?: 'ok' | 'bad' | null;
  why?: string[];
}

export class GatewayError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GatewayError';
  }
}

/**
 * The platform's gateway as the simulator uses it to check scenarios: an operator login, the devices'
 * presence, stored readings, and the `/live` Socket.IO feed. The only place in the simulator that talks
 * HTTP or Socket.IO.
 */
export class GatewayClient {
  private constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** `POST /api/auth/login`; rejects naming the gateway and the status when it refuses. */
  static async login(baseUrl: string, username: string, password: string): Promise<GatewayClient> {
    const url = baseUrl.replace(/\/+$/, '');
    let res: Response;
    try {
      res = await fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      throw new GatewayError(`cannot reach the gateway at ${url}`, undefined, { cause: err });
    }
    if (res.status !== 200 && res.status !== 201) {
      throw new GatewayError(
        `the gateway at ${url} refused the login of ${username} (HTTP ${res.status})`,
        res.status,
      );
    }
    const body = (await res.json()) as { token?: unknown };
    if (typeof body.token !== 'string') throw new GatewayError(`the gateway at ${url} returned no token`);
    return new GatewayClient(url, body.token);
  }

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${this.token}` },
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status !== 200) {
      const text = await res.text().catch(() => '');
      throw new GatewayError(`GET ${path}: HTTP ${res.status} ${text.slice(0, 200)}`, res.status);
    }
    return (await res.json()) as T;
  }

  devices(): Promise<DevicePresence[]> {
    return this.get<DevicePresence[]>('/api/devices');
  }

  /** A truck's stored fixes in [from, to), with their quality. */
  async track(id: string, from: number, to: number): Promise<StoredPoint[]> {
    const q = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const body = await this.get<{ points: StoredPoint[] }>(
      `/api/trucks/${encodeURIComponent(id)}/track?${q}`,
    );
    return body.points;
  }

  /** A device's stored values of one field in [from, to). */
  async series(id: string, field: string, from: number, to: number): Promise<StoredPoint[]> {
    const q = `field=${field}&from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const body = await this.get<{ points: StoredPoint[] }>(
      `/api/devices/${encodeURIComponent(id)}/series?${q}`,
    );
    return body.points;
  }

  /** The names of the rules in the platform's rule pack (`GET /api/rules`), enabled or not. */
  async rules(): Promise<Array<{ rule: string; enabled: boolean }>> {
    return this.get<Array<{ rule: string; enabled: boolean }>>('/api/rules');
  }

  /**
   * Every incident, open or not, of one member or more (`GET /api/incidents`, newest first), up to 200:
   * a scenario finds its own among them.
   */
  incidents(): Promise<IncidentView[]> {
    return this.get<IncidentView[]>('/api/incidents?open=false&minSize=1&limit=200');
  }

  /**
   * Acknowledges every open member of an incident with one note (`POST /api/incidents/{id}/ack`); says
   * which it took and which it left, and why.
   */
  async ackIncident(id: string, body: { note?: string; severity?: Severity }): Promise<IncidentAckResult> {
    const path = `/api/incidents/${encodeURIComponent(id)}/ack`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    if (res.status !== 200) {
      const text = await res.text().catch(() => '');
      throw new GatewayError(`POST ${path}: HTTP ${res.status} ${text.slice(0, 200)}`, res.status);
    }
    return (await res.json()) as IncidentAckResult;
  }

  /** Connects to `/live` and resolves once the server sent the open alerts. */
  openLive(): Promise<LiveFeed> {
    return LiveFeed.connect(this.baseUrl, this.token);
  }
}

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The `/live` feed: every alert transition as it comes, and acknowledgements. */
export class LiveFeed {
  /** The open alerts the server sent on connect. */
  initial: Alert[] = [];
  private readonly listeners: Array<(alert: Alert) => void> = [];
  private readonly incidentListeners: Array<(incident: Incident) => void> = [];

  private constructor(private readonly socket: LiveSocket) {
    socket.on('alert', (alert) => {
      for (const l of this.listeners) l(alert);
    });
    socket.on('incident', (incident) => {
      for (const l of this.incidentListeners) l(incident);
    });
  }

  static connect(baseUrl: string, token: string, timeoutMs = 10_000): Promise<LiveFeed> {
    const socket: LiveSocket = io(`${baseUrl}${LIVE_NAMESPACE}`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: true,
      timeout: timeoutMs,
    });
    const feed = new LiveFeed(socket);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(
          new GatewayError(`no open-alerts event from ${baseUrl}${LIVE_NAMESPACE} within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      socket.once('alerts', (alerts) => {
        clearTimeout(timer);
        feed.initial = alerts;
        resolve(feed);
      });
      socket.once('connect_error', (err) => {
        clearTimeout(timer);
        socket.close();
        reject(
          new GatewayError(`cannot connect to ${baseUrl}${LIVE_NAMESPACE}: ${err.message}`, undefined, {
            cause: err,
          }),
        );
      });
    });
  }

  onAlert(listener: (alert: Alert) => void): void {
    this.listeners.push(listener);
  }

  /** An incident opened or a member joined it (`incident`). */
  onIncident(listener: (incident: Incident) => void): void {
    this.incidentListeners.push(listener);
  }

  /** Acknowledges an alert as the logged-in operator (`alert:ack`). */
  ack(id: string, note?: string, timeoutMs = 10_000): Promise<AckResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new GatewayError(`no answer to alert:ack ${id} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.socket.emit('alert:ack', { id, ...(note !== undefined ? { note } : {}) }, (response) => {
        clearTimeout(timer);
        resolve(response);
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
