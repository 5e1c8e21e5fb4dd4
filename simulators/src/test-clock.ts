import Redis from 'ioredis';
import { names } from '@lg/contracts';

/**
 * The platform's test clock (demo mode only): the worker runs ahead of the wall clock by an offset kept in
 * Redis (`{prefix}:clock:offset`, ms) when it is started with LG_TEST_CLOCK=true, so that silence-driven
 * rules and escalations can be tested in seconds. The worker reads the offset on each of its timer rounds.
 * The only place in the simulator that touches Redis.
 */
export interface TestClock {
  /** The current offset, ms. */
  offset(): Promise<number>;
  /** Sets the offset and waits long enough for the worker to have read it. */
  setOffset(ms: number): Promise<void>;
  close(): Promise<void>;
}

export class RedisTestClock implements TestClock {
  private readonly redis: Redis;
  private readonly key: string;

  /**
   * @param settleMs how long after a change the worker has surely read it: two of its timer rounds
   *   (TIMER_INTERVAL_MS, default 1000 ms). The worker exposes no sign that it has, so this is a bound.
   */
  constructor(
    url: string,
    prefix: string,
    private readonly settleMs = 2000,
  ) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.key = names(prefix).clockOffset;
  }

  async offset(): Promise<number> {
    if (this.redis.status === 'wait') await this.redis.connect();
    const value = await this.redis.get(this.key);
    const parsed = value === null ? 0 : Number(value);
    return Number.isFinite(parsed) ? parsed : 0;
  }

  async setOffset(ms: number): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
    await this.redis.set(this.key, String(Math.round(ms)));
    await new Promise((r) => setTimeout(r, this.settleMs));
  }

  async close(): Promise<void> {
    if (this.redis.status === 'wait') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
