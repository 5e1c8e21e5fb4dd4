import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import type { Alert, AlertTransition, LiveRecord, Names, Severity, Shelf } from '@lg/contracts';
import { isOpen, severityRank } from '@lg/contracts';
import { AlertChangedError, AlertNotFoundError, type AlertStore } from './alert-store';
import { SHELF_REQUEST_TTL_MS, type ShelfRequest } from './shelving';

/** Most requests waiting for a second operator at once: a bound on what clients can make us keep. */
export const MAX_SHELF_REQUESTS = 200;
/** Most shelves one expiry pass lifts (the rest go in the next pass). */
const EXPIRE_BATCH = 500;

/**
 * Writes a shelf (`shelf` field, the gateway's, like `ack`) only if the worker has not changed the alert
 * since it was read and it is still open: the operator shelved what they saw, never a raise in between.
 * KEYS (the alert, the shelved set, the live stream) and ARGV[1-2] as `AlertStore.writeTransition`; ARGV: doc
 * read, shelf JSON, ID, until (ms).
 */
const SHELVE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'MISSING' end
if redis.call('HGET', KEYS[1], 'doc') ~= ARGV[3] then return 'RETRY' end
redis.call('HSET', KEYS[1], 'shelf', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[5])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'j', ARGV[2])
return 'OK'
`;

/** Lifts a shelf (noting when, ARGV[6]) only if it is still the one read (a second lift, or a raise meanwhile, did nothing twice). ARGV after the live record: shelf read, ID, doc read, when. */
const UNSHELVE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'shelf') ~= ARGV[3] then return 'CHANGED' end
if redis.call('HGET', KEYS[1], 'doc') ~= ARGV[5] then return 'CHANGED' end
redis.call('HDEL', KEYS[1], 'shelf')
redis.call('HSET', KEYS[1], 'shelfoff', ARGV[6])
redis.call('ZREM', KEYS[2], ARGV[4])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'j', ARGV[2])
return 'OK'
`;

const later = (a: string, b: string): string => (a > b ? a : b);

export class ShelfRequestNotFoundError extends Error {
  constructor(id: string) {
    super(`shelf request ${id} not found (confirmed, lapsed or never made)`);
    this.name = 'ShelfRequestNotFoundError';
  }
}

function transitionOf(
  alert: Alert,
  type: 'shelved' | 'unshelved',
  atMs: number,
  by: string,
  note: string,
): AlertTransition {
  return {
    alertId: alert.id,
    type,
    at: new Date(atMs).toISOString(),
    by,
    severity: alert.severity,
    active: alert.active,
    acknowledged: alert.acknowledged,
    value: alert.value,
    note,
    ...(alert.incident !== undefined ? { incident: alert.incident } : {}),
  };
}

/**
 * Shelves in Redis (docs/rules.md, "Shelving"): the shelf of an alert is a field of its hash, the shelved
 * alerts a sorted set by end time that the gateways' expiry pass walks, and each shelving and unshelving a
 * transition on the live stream (so in the history and on every screen). Requests to shelve a red alert
 * wait in a hash, bounded, until a second operator confirms them or they lapse.
 */
export class ShelfStore {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly alerts: AlertStore,
  ) {}

  /**
   * Puts a shelf on an open alert. @throws AlertChangedError when it is above `seen` (raised since the
   * operator looked) or was raised while being written; AlertNotFoundError when gone.
   */
  async shelve(id: string, seen: Severity, make: (a: Alert) => Shelf, nowMs: number): Promise<Alert> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const { doc, alert: current } = await this.alerts.stored(id);
      if (severityRank(current.severity) > severityRank(seen)) throw new AlertChangedError(id, current);
      if (!isOpen(current)) throw new AlertNotFoundError(id);
      const shelf = make(current);
      const alert: Alert = { ...current, shelf, updatedAt: later(shelf.at, current.updatedAt) };
      const live: LiveRecord = {
        t: 'alert',
        alert,
        transition: transitionOf(alert, 'shelved', nowMs, shelf.by, shelf.reason),
      };
      const outcome = await this.alerts.writeTransition(SHELVE_SCRIPT, id, this.n.shelvedAlerts, live, [
        doc,
        JSON.stringify(shelf),
        id,
        String(Date.parse(shelf.until)),
      ]);
      if (outcome === 'OK') return alert;
      if (outcome === 'MISSING') throw new AlertNotFoundError(id);
    }
    throw new Error(`alert ${id} kept changing while being shelved; try again`);
  }

  /** Lifts an alert's shelf (an operator, or `system` once it ends). Returns the alert, or null if not shelved. */
  async unshelve(id: string, by: string, note: string, nowMs: number): Promise<Alert | null> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const { doc, alert: stored, shelf: shelfText } = await this.alerts.stored(id);
      if (!shelfText) return null;
      const { shelf: _s, ...current } = stored;
      const off = later(new Date(nowMs).toISOString(), current.updatedAt);
      const alert: Alert = { ...current, updatedAt: off };
      const live: LiveRecord = {
        t: 'alert',
        alert,
        transition: transitionOf(alert, 'unshelved', nowMs, by, note),
      };
      const outcome = await this.alerts.writeTransition(UNSHELVE_SCRIPT, id, this.n.shelvedAlerts, live, [
        shelfText,
        id,
        doc,
        off,
      ]);
      if (outcome === 'OK') return alert;
    }
    throw new Error(`alert ${id} kept changing while being unshelved; try again`);
  }

  /** Shelved alerts (their shelves not necessarily ended yet), soonest back first, at most `limit`. */
  async shelved(limit: number): Promise<Alert[]> {
    const ids = await this.redis.zrange(this.n.shelvedAlerts, 0, limit - 1);
    const alerts = await this.alerts.getMany(ids);
    return ids.map((id) => alerts.get(id)).filter((a): a is Alert => a?.shelf !== undefined);
  }

  /**
   * The expiry pass: lifts every shelf that ended before `nowMs` (at most a batch), with an `unshelved`
   * transition by `system`. Returns how many it lifted.
   */
  async expire(nowMs: number): Promise<number> {
    const ids = await this.redis.zrangebyscore(this.n.shelvedAlerts, '-inf', nowMs, 'LIMIT', 0, EXPIRE_BATCH);
    let lifted = 0;
    for (const id of ids) {
      try {
        if (await this.unshelve(id, 'system', 'shelf time over', nowMs)) lifted++;
        else await this.redis.zrem(this.n.shelvedAlerts, id);
      } catch (err) {
        // Deleted by the retention meanwhile: its entry goes too.
        if (!(err instanceof AlertNotFoundError)) throw err;
        await this.redis.zrem(this.n.shelvedAlerts, id);
      }
    }
    return lifted;
  }

  /** Keeps a request for a second operator. @throws RangeError when too many wait already. */
  async request(r: Omit<ShelfRequest, 'id' | 'at' | 'expiresAt'>, nowMs: number): Promise<ShelfRequest> {
    await this.pending(nowMs);
    if ((await this.redis.hlen(this.n.shelfRequests)) >= MAX_SHELF_REQUESTS)
      throw new RangeError(`${MAX_SHELF_REQUESTS} shelf requests already wait for confirmation`);
    const request: ShelfRequest = {
      ...r,
      id: randomUUID(),
      at: new Date(nowMs).toISOString(),
      expiresAt: new Date(nowMs + SHELF_REQUEST_TTL_MS).toISOString(),
    };
    await this.redis.hset(this.n.shelfRequests, request.id, JSON.stringify(request));
    return request;
  }

  /** Requests still waiting, oldest first; lapsed ones are deleted on the way. */
  async pending(nowMs: number): Promise<ShelfRequest[]> {
    const all = await this.redis.hgetall(this.n.shelfRequests);
    const out: ShelfRequest[] = [];
    const lapsed: string[] = [];
    for (const [id, text] of Object.entries(all)) {
      const r = JSON.parse(text) as ShelfRequest;
      if (Date.parse(r.expiresAt) <= nowMs) lapsed.push(id);
      else out.push(r);
    }
    if (lapsed.length > 0) await this.redis.hdel(this.n.shelfRequests, ...lapsed);
    return out.sort((a, b) => (a.at < b.at ? -1 : 1));
  }

  /** Takes a request out (to confirm or withdraw it): only one caller ever gets it. */
  async take(id: string): Promise<ShelfRequest> {
    const [[, text], [, removed]] = ((await this.redis
      .multi()
      .hget(this.n.shelfRequests, id)
      .hdel(this.n.shelfRequests, id)
      .exec()) ?? []) as [[Error | null, string | null], [Error | null, number]];
    if (!text || removed !== 1) throw new ShelfRequestNotFoundError(id);
    return JSON.parse(text) as ShelfRequest;
  }
}
