import { Leases } from './leases';
import type Redis from 'ioredis';

export interface HeldLeaseOptions {
  /** The lease's time to live, ms. */
  ttlMs: number;
  /** How long a renewal lasts before the next `hold()` renews again, ms (default: a third of the TTL). */
  renewEveryMs?: number;
  /** Called once each time the lease is taken (not on renewals): claim what a dead holder left. */
  onAcquired?: () => Promise<void> | void;
  /** Called each time the lease is taken or renewed: keep something alive beside it. */
  onRenewed?: () => Promise<void> | void;
  /** Called once when a lease this process held was found to be someone else's. */
  onLost?: () => void;
}

/**
 * One lease a process keeps while it works: `hold()` before each step takes the lease when free, renews it
 * when a third of its life has passed, and says whether this process may do the step. Between renewals it
 * costs nothing. The reading router and the live-stream dispatcher each hold one.
 */
export class HeldLease {
  private readonly leases: Leases;
  private holding = false;
  private renewedAt = 0;

  constructor(
    redis: Redis,
    readonly key: string,
    owner: string,
    private readonly o: HeldLeaseOptions,
  ) {
    this.leases = new Leases(redis, owner, o.ttlMs);
  }

  get held(): boolean {
    return this.holding;
  }

  get owner(): string {
    return this.leases.owner;
  }

  async hold(now = Date.now()): Promise<boolean> {
    if (this.holding && now - this.renewedAt < (this.o.renewEveryMs ?? this.o.ttlMs / 3)) return true;
    const had = this.holding;
    const held = had ? await this.leases.renew(this.key) : await this.leases.acquire(this.key);
    this.holding = held;
    if (!held) {
      if (had) this.o.onLost?.();
      return false;
    }
    this.renewedAt = now;
    if (!had) await this.o.onAcquired?.();
    await this.o.onRenewed?.();
    return true;
  }

  /** Gives the lease up at once, so that another process need not wait for its TTL. */
  async release(): Promise<void> {
    if (!this.holding) return;
    this.holding = false;
    await this.leases.release(this.key);
  }
}
