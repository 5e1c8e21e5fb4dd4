import type Redis from 'ioredis';
import type { Names, NotificationDelivery } from '@lg/contracts';

/** How long a delivery's record is kept, s: longer than any alert stays open in practice, and bounded. */
export const DELIVERY_TTL_SEC = 30 * 24 * 3600;
/** Deliveries listed for one alert at most (newest first). */
export const MAX_LISTED_DELIVERIES = 200;

// Sets the record only if it is still what was read ('' for none).
const CAS = `
local v = redis.call('GET', KEYS[1])
if (v or '') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

/**
 * Delivery state in Redis: one JSON string per delivery (written by the job that sends it, the only writer
 * once it is queued) and, per alert, a sorted set of its delivery IDs by queueing time.
 */
export class DeliveryStore {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
  ) {}

  /**
   * Records queued deliveries. A delivery already recorded (the same entry read again after a crash) is
   * left as it is: its state may have moved on.
   */
  async recordQueued(
    list: ReadonlyArray<{
      delivery: NotificationDelivery;
      alertIds: readonly string[];
      /** Further sorted sets that list it (a digest's deliveries). */
      lists?: readonly string[];
    }>,
  ): Promise<void> {
    if (list.length === 0) return;
    const pipe = this.redis.pipeline();
    for (const { delivery, alertIds, lists } of list) {
      pipe.set(this.n.delivery(delivery.id), JSON.stringify(delivery), 'EX', DELIVERY_TTL_SEC, 'NX');
      const score = Date.parse(delivery.queuedAt);
      for (const key of [...alertIds.map((id) => this.n.alertDeliveries(id)), ...(lists ?? [])]) {
        pipe.zadd(key, score, delivery.id);
        pipe.expire(key, DELIVERY_TTL_SEC);
      }
    }
    for (const [err] of (await pipe.exec()) ?? []) if (err) throw err;
  }

  async get(id: string): Promise<NotificationDelivery | undefined> {
    const raw = await this.redis.get(this.n.delivery(id));
    return raw ? (JSON.parse(raw) as NotificationDelivery) : undefined;
  }

  /** Changes a delivery's record (its TTL kept); a record gone (expired) is written again. */
  async update(
    id: string,
    patch: Partial<NotificationDelivery>,
    fallback: NotificationDelivery,
  ): Promise<NotificationDelivery> {
    const current = (await this.get(id)) ?? fallback;
    const next = { ...current, ...patch };
    await this.redis.set(this.n.delivery(id), JSON.stringify(next), 'EX', DELIVERY_TTL_SEC);
    return next;
  }

  /**
   * Changes a delivery's record by `next` atomically against other writers (the sender and receipt
   * callbacks): compare-and-set on the record, read again and retried when it moved meanwhile. `next` gets
   * the record (undefined when there is none) and answers the new one, or undefined for no change.
   */
  async change(
    id: string,
    next: (current: NotificationDelivery | undefined) => NotificationDelivery | undefined,
  ): Promise<NotificationDelivery | 'missing' | 'unchanged'> {
    const key = this.n.delivery(id);
    for (let attempt = 0; attempt < 10; attempt++) {
      const raw = await this.redis.get(key);
      const current = raw ? (JSON.parse(raw) as NotificationDelivery) : undefined;
      const changed = next(current);
      if (!changed) return current ? 'unchanged' : 'missing';
      const ok = await this.redis.eval(CAS, 1, key, raw ?? '', JSON.stringify(changed), DELIVERY_TTL_SEC);
      if (ok === 1) return changed;
    }
    throw new Error(`delivery ${id} kept changing while it was being updated`);
  }

  /** One alert's deliveries, newest first, at most {@link MAX_LISTED_DELIVERIES}. */
  async forAlert(alertId: string): Promise<NotificationDelivery[]> {
    return this.listed(this.n.alertDeliveries(alertId));
  }

  /** The deliveries of one scope's digest of one day, newest first. */
  async forDigest(scope: string, date: string): Promise<NotificationDelivery[]> {
    return this.listed(this.n.digestDeliveries(scope, date));
  }

  private async listed(key: string): Promise<NotificationDelivery[]> {
    const ids = await this.redis.zrevrange(key, 0, MAX_LISTED_DELIVERIES - 1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.n.delivery(id)));
    return raws.filter((r): r is string => r !== null).map((r) => JSON.parse(r) as NotificationDelivery);
  }
}

/** An address shown in part: enough to recognise, not to harvest. */
export function maskAddress(address: string): string {
  if (/^1\d{10}$/.test(address)) return `${address.slice(0, 3)}****${address.slice(-4)}`;
  const at = address.indexOf('@');
  if (at > 0) return `${address[0]}***${address.slice(at)}`;
  return address;
}
