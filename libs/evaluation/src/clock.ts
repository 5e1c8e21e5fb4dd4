import type Redis from 'ioredis';

/** Wall-clock time for the time-driven parts (offline, escalation). Rules never read it: they get it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that runs ahead of the wall clock by an offset kept in Redis, so that end-to-end tests can make
 * minutes pass in a moment (escalation after 5 min, offline after 5 min). Enabled only in demo mode.
 * The offset is refreshed by `refresh()`, which the worker calls on its timer tick.
 */
export class OffsetClock implements Clock {
  private offset = 0;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  async refresh(): Promise<void> {
    const value = await this.redis.get(this.key);
    const parsed = value === null ? 0 : Number(value);
    this.offset = Number.isFinite(parsed) ? parsed : 0;
  }

  now(): number {
    return Date.now() + this.offset;
  }
}
