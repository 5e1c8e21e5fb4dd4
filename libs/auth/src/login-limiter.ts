/**
 * Counts failed logins per user name and client address in a sliding window. After `maxFailures` within
 * `windowMs` further attempts are refused until the oldest failure leaves the window, whatever the
 * password: guessing is slowed without locking the real user out from their usual address for long.
 * In memory, per gateway process; the number of keys is bounded so that a flood of names cannot exhaust it.
 */
export interface LoginLimiterOptions {
  maxFailures: number;
  windowMs: number;
  /** Keys kept at most; the stalest are dropped first. */
  maxKeys?: number;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly maxKeys: number;

  constructor(private readonly o: LoginLimiterOptions) {
    this.maxKeys = o.maxKeys ?? 100_000;
  }

  static key(username: string, address: string): string {
    return `${username.toLowerCase()}\u0000${address}`;
  }

  private recent(key: string, nowMs: number): number[] {
    const list = this.failures.get(key);
    if (!list) return [];
    const kept = list.filter((t) => t > nowMs - this.o.windowMs);
    if (kept.length === 0) this.failures.delete(key);
    else if (kept.length !== list.length) this.failures.set(key, kept);
    return kept;
  }

  check(key: string, nowMs: number): LimitDecision {
    const recent = this.recent(key, nowMs);
    if (recent.length < this.o.maxFailures) return { allowed: true };
    const oldestThatCounts = recent[recent.length - this.o.maxFailures];
    return { allowed: false, retryAfterMs: Math.max(1, oldestThatCounts + this.o.windowMs - nowMs) };
  }

  fail(key: string, nowMs: number): void {
    const recent = this.recent(key, nowMs);
    recent.push(nowMs);
    // Only the last maxFailures matter for the decision.
    this.failures.delete(key);
    this.failures.set(key, recent.slice(-this.o.maxFailures));
    if (this.failures.size > this.maxKeys) this.evict(nowMs);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  get size(): number {
    return this.failures.size;
  }

  private evict(nowMs: number): void {
    for (const key of [...this.failures.keys()]) this.recent(key, nowMs);
    // Map order is insertion order and `fail` re-inserts: the first keys are the least recently failed.
    for (const key of this.failures.keys()) {
      if (this.failures.size <= this.maxKeys) break;
      this.failures.delete(key);
    }
  }
}
