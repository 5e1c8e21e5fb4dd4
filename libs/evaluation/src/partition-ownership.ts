import type Redis from 'ioredis';
import type { Names } from '@lg/contracts';
import { Leases } from '@lg/redis';

export interface OwnershipHooks {
  /** Start consuming the partition; called once the lease is ours. */
  acquired(partition: number): Promise<void>;
  /** Stop consuming (finish the running job) before the lease is given up. */
  released(partition: number): Promise<void>;
}

const MEMBERS_TTL_FACTOR = 3;

/**
 * Splits the rule partitions among the live workers: each holds a lease per partition it evaluates, so a
 * device's readings are evaluated by one process at a time, in order. Workers announce themselves in a
 * sorted set; each aims at its fair share (partitions ÷ live workers, rounded up), takes free partitions
 * up to it and hands back the excess. A dead worker's leases expire after `ttlMs` and are taken over.
 */
export class PartitionOwnership {
  private readonly leases: Leases;
  private readonly owned = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly partitions: number,
    readonly workerId: string,
    private readonly hooks: OwnershipHooks,
    private readonly ttlMs = 5000,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.leases = new Leases(redis, workerId, ttlMs);
  }

  get members(): string {
    return `${this.n.prefix}:workers`;
  }

  ownedPartitions(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  start(): Promise<void> {
    const tick = () => {
      this.running = this.running.then(() => this.rebalance()).catch(this.onError);
    };
    tick();
    this.timer = setInterval(tick, Math.max(200, Math.floor(this.ttlMs / 3)));
    return this.running;
  }

  /** One round: heartbeat, renew what we hold, then take or hand back partitions toward our fair share. */
  async rebalance(): Promise<void> {
    if (this.stopped) return;
    const now = Date.now();
    await this.redis
      .multi()
      .zadd(this.members, now, this.workerId)
      .zremrangebyscore(this.members, '-inf', now - this.ttlMs * MEMBERS_TTL_FACTOR)
      .exec();
    const live = Math.max(1, await this.redis.zcard(this.members));
    for (const p of [...this.owned]) {
      if (!(await this.leases.renew(this.n.partitionLease(p)))) {
        this.owned.delete(p);
        await this.hooks.released(p);
      }
    }
    const share = Math.ceil(this.partitions / live);
    // Start from a worker-specific offset so that two workers starting together do not race for the same.
    const offset = hash(this.workerId) % this.partitions;
    for (let i = 0; i < this.partitions && this.owned.size < share; i++) {
      const p = (offset + i) % this.partitions;
      if (this.owned.has(p)) continue;
      if (await this.leases.acquire(this.n.partitionLease(p))) {
        this.owned.add(p);
        await this.hooks.acquired(p);
      }
    }
    while (this.owned.size > share) {
      const p = this.ownedPartitions().pop()!;
      this.owned.delete(p);
      await this.hooks.released(p);
      await this.leases.release(this.n.partitionLease(p));
    }
  }

  /** Finishes running jobs, then gives every partition back at once so that others need not wait for TTLs. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    for (const p of this.ownedPartitions()) {
      this.owned.delete(p);
      await this.hooks.released(p);
      await this.leases.release(this.n.partitionLease(p));
    }
    await this.redis.zrem(this.members, this.workerId);
  }
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}
