import { createAdapter } from '@socket.io/redis-streams-adapter';
import type Redis from 'ioredis';
import type { Namespace, ServerOptions } from 'socket.io';
import type { Names } from '@lg/contracts';

/** How long a dropped client may come back and be sent what it missed (connection-state recovery). */
export const RECOVERY_WINDOW_MS = 2 * 60_000;

/** Entries kept in the adapter's stream (about trimmed): the recovery window in events, at the least. */
export const ADAPTER_STREAM_MAXLEN = 10_000;

/** What a stored session must hold for us to restore it: the `socket.data` the connection had. */
interface StoredSession {
  data?: unknown;
}

/** Socket.IO's EVENT packet type. */
const EVENT_PACKET = 2;

/**
 * Events a recovering connection missed, held back until the token it presents has been checked. Socket.IO
 * would write them to the connection as soon as the session is found, before any middleware runs. Keyed by
 * the session's `data` object, which becomes the new socket's `data` as is.
 */
const withheld = new WeakMap<object, unknown[][]>();

/**
 * After the token of a recovering connection was checked: `deliver` sends what it missed (in order, before
 * anything else reaches it, as Socket.IO itself would), otherwise it is dropped.
 */
export function releaseMissed(socket: { data: unknown; recovered: boolean }, deliver: boolean): void {
  if (!socket.recovered || typeof socket.data !== 'object' || socket.data === null) return;
  const missed = withheld.get(socket.data);
  withheld.delete(socket.data);
  if (!deliver || !missed) return;
  // `packet` is how Socket.IO sends a recovered session's missed events; it is not part of its typings.
  const raw = socket as unknown as { packet(packet: { type: number; data: unknown[] }): void };
  for (const data of missed) raw.packet({ type: EVENT_PACKET, data });
}

/**
 * A session may be recovered only while the login it was opened with is still valid; the middleware then
 * checks the token presented, before the missed events are released.
 */
export function sessionStillValid(session: StoredSession, nowMs = Date.now()): boolean {
  const data = session.data as { expiresAt?: unknown; principal?: unknown } | null | undefined;
  return (
    typeof data?.expiresAt === 'number' &&
    data.expiresAt > nowMs &&
    typeof data.principal === 'object' &&
    data.principal !== null
  );
}

/**
 * Socket.IO options for running several gateways: the Redis streams adapter (a broadcast from any gateway
 * reaches the clients of all of them, through one Redis stream that also keeps what a dropped client
 * missed) and connection-state recovery, with the middleware run again on recovery so that the token is
 * checked every time a client comes back, whichever gateway it lands on.
 */
export function clusterOptions(client: Redis, n: Names): Partial<ServerOptions> {
  const factory = createAdapter(client, {
    streamName: n.socketIo,
    channelPrefix: n.socketIo,
    sessionKeyPrefix: n.socketIoSessions,
    maxLen: ADAPTER_STREAM_MAXLEN,
    onlyPlaintext: true,
  });
  // Socket.IO calls it with `new`: a function, not an arrow.
  const adapter = function (nsp: Namespace) {
    const instance = factory(nsp);
    const restore = instance.restoreSession.bind(instance);
    instance.restoreSession = async (pid, offset) => {
      const session = await restore(pid, offset);
      // Socket.IO treats a rejection as "nothing to recover": the client connects afresh, through the token check.
      if (!sessionStillValid(session)) throw new Error('the login of this session has expired');
      withheld.set(session.data as object, session.missedPackets);
      session.missedPackets = [];
      return session;
    };
    return instance;
  };
  return {
    adapter,
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
  };
}
