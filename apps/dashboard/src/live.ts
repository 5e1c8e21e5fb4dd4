import { io, type Socket } from 'socket.io-client';
import type { Alert, ClientToServerEvents, ServerToClientEvents, Severity } from './types';

/** The server's events the dashboard listens to, under the contract's types (all but `incident`). */
type ServerEvents = Pick<
  ServerToClientEvents,
  'alerts' | 'alert' | 'positions' | 'device' | 'rejection' | 'link'
>;

export interface LiveHandlers extends ServerEvents {
  connected: () => void;
  disconnected: () => void;
  /** The token was refused or expired: log in again. */
  unauthorized: () => void;
  dutyCheck: ServerToClientEvents['duty-check'];
}

/** How long an acknowledgement may wait for the server's answer. */
const ACK_TIMEOUT_MS = 10_000;

/**
 * The `/live` Socket.IO feed (contract v1): the open alerts on every (re)connection, then every alert
 * transition, truck positions at most once a second and device presence changes. Acknowledgements go over
 * it too, and the server passes the transition on to every other screen.
 */
export class LiveFeed {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;

  constructor(token: string, h: LiveHandlers) {
    this.socket = io('/live', { auth: { token }, transports: ['websocket'] });
    this.socket.on('connect', () => h.connected());
    this.socket.on('disconnect', (reason) => {
      h.disconnected();
      // The server ends the connection when the login expires; the client would not reconnect by itself.
      if (reason === 'io server disconnect') h.unauthorized();
    });
    this.socket.on('connect_error', (err) => {
      if (err.message === 'unauthorized') h.unauthorized();
    });
    this.socket.on('alerts', (open) => h.alerts(open));
    this.socket.on('alert', (a) => h.alert(a));
    this.socket.on('positions', (p) => h.positions(p));
    this.socket.on('device', (d) => h.device(d));
    this.socket.on('rejection', (r) => h.rejection(r));
    this.socket.on('duty-check', (c) => h.dutyCheck(c));
    this.socket.on('link', (c) => h.link(c));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  acknowledge(id: string, note: string | undefined, severity: Severity): Promise<Alert> {
    return new Promise((resolve, reject) => {
      this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emit('alert:ack', { id, ...(note ? { note } : {}), severity }, (err, reply) => {
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else if (reply.ok) resolve(reply.alert);
          else reject(new Error(reply.error));
        });
    });
  }

  close(): void {
    this.socket.close();
  }
}
