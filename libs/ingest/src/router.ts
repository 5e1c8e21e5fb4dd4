import type Redis from 'ioredis';
import type { Queue } from 'bullmq';
import type { Names, RuleJobWire } from '@lg/contracts';
import { RULE_JOB_NAME } from '@lg/contracts';
import { Leases } from '@lg/redis';
import { entrySize, entrySlices } from './log-entry';
import { claimIdle, ensureGroup, readGroup } from './streams';

export interface RouterOptions {
  partitions: number;
  consumer: string;
  leaseTtlMs?: number;
  /** Entries read at a time (default 50; an entry holds up to 500 records). */
  batchEntries?: number;
  /** Records a pass gathers at most, four times as many while the workers are behind (default 5000); a
   *  pass becomes at most one job per partition. */
  batchRecords?: number;
  /** How long a pass waits for more entries once it has some, ms (default 5): bigger jobs, fewer of them. */
  lingerMs?: number;
  /**
   * How long a pass gathers entries while the rule workers are behind (a partition's queue has two or
   * more jobs waiting), ms (default 50). A busy worker cannot start the job any sooner, so waiting costs
   * no latency, and each job then carries more readings for the same fixed cost per job.
   */
  busyLingerMs?: number;
  onError?: (err: unknown) => void;
  onRouted?: (records: number, jobs: number) => void;
}

/**
 * Hands the reading log to the rules: reads the log in order and adds, per pass, one BullMQ job per rule
 * partition with that partition's records. Batching across many MQTT messages keeps the job rate far
 * below BullMQ's ceiling at 20k readings/s. One router is active at a time (a lease), because two would
 * interleave a partition's jobs out of log order; a new holder first claims what the old one left pending.
 * It does not parse records: each entry holds every partition's records as one JSON array (log-entry.ts),
 * and a job carries its partition's arrays joined into one.
 */
export class ReadingRouter {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly leases: Leases;
  private holding = false;
  private renewedAt = 0;
  /** Set after (re)acquiring the lease or an error: our own pending entries must go first. */
  private checkPending = true;

  constructor(
    private readonly blocking: Redis,
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly queues: Queue[],
    private readonly o: RouterOptions,
  ) {
    this.leases = new Leases(redis, o.consumer, o.leaseTtlMs ?? 5000);
  }

  get leaseKey(): string {
    return `${this.n.prefix}:router:lease`;
  }

  get active(): boolean {
    return this.holding;
  }

  async start(): Promise<void> {
    await ensureGroup(this.redis, this.n.readings, this.n.routeGroup);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    if (this.holding) await this.leases.release(this.leaseKey).catch(() => undefined);
  }

  private async run(): Promise<void> {
    let backoff = 50;
    while (!this.stopped) {
      try {
        if (!(await this.holdLease())) {
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        const count = this.o.batchEntries ?? 50;
        let entries: Array<[string, string[]]> = [];
        if (this.checkPending) {
          // Our own pending entries first (left by a crash of this consumer or claimed from a dead one).
          const pending = await readGroup(
            this.redis,
            this.n.routeGroup,
            this.o.consumer,
            [this.n.readings],
            ['0'],
            count,
            null,
          );
          entries = pending.get(this.n.readings) ?? [];
          if (entries.length === 0) this.checkPending = false;
        }
        if (!this.checkPending) {
          const fresh = await readGroup(
            this.blocking,
            this.n.routeGroup,
            this.o.consumer,
            [this.n.readings],
            ['>'],
            count,
            1000,
          );
          entries = fresh.get(this.n.readings) ?? [];
          // Linger: a pass becomes one job per partition, and BullMQ costs per job, not per reading. Letting a
          // few milliseconds of entries gather makes jobs carry hundreds of readings instead of a handful;
          // while the workers are behind, a pass gathers longer and may take more records. A pass stops
          // gathering at its record budget, which bounds a job's size (and the worker's memory for it).
          const busy = entries.length > 0 && (await this.workersBehind());
          const linger = busy ? (this.o.busyLingerMs ?? 50) : (this.o.lingerMs ?? 5);
          const budget = (this.o.batchRecords ?? 5000) * (busy ? 4 : 1);
          let records = entries.reduce((n, e) => n + entrySize(e[1]), 0);
          if (entries.length > 0 && records < budget && linger > 0) {
            await new Promise((r) => setTimeout(r, linger));
            while (records < budget) {
              const more =
                (
                  await readGroup(
                    this.redis,
                    this.n.routeGroup,
                    this.o.consumer,
                    [this.n.readings],
                    ['>'],
                    count,
                    null,
                  )
                ).get(this.n.readings) ?? [];
              if (more.length === 0) break;
              for (const e of more) {
                entries.push(e);
                records += entrySize(e[1]);
              }
            }
          }
        }
        if (entries.length > 0) await this.route(entries);
        backoff = 50;
      } catch (err) {
        this.checkPending = true;
        if (this.stopped) break;
        this.o.onError?.(err);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(2000, backoff * 2);
      }
    }
  }

  private async holdLease(): Promise<boolean> {
    const now = Date.now();
    const ttl = this.o.leaseTtlMs ?? 5000;
    if (this.holding && now - this.renewedAt < ttl / 3) return true;
    const had = this.holding;
    this.holding = had ? await this.leases.renew(this.leaseKey) : await this.leases.acquire(this.leaseKey);
    if (this.holding) {
      this.renewedAt = now;
      if (!had) {
        await claimIdle(this.redis, this.n.readings, this.n.routeGroup, this.o.consumer, 0);
        this.checkPending = true;
      }
    }
    return this.holding;
  }

  /**
   * Whether the workers are more than a pass behind: some partition's queue holds two or more jobs no
   * worker has started. (One waiting job is the normal moment between a pass and its pick-up; treating it
   * as busy would add the long linger to every alert at low load.)
   */
  private async workersBehind(): Promise<boolean> {
    const waiting = await Promise.all(this.queues.map((q) => q.getWaitingCount()));
    return waiting.some((n) => n >= 2);
  }

  private async route(entries: Array<[string, string[]]>): Promise<void> {
    const slices = new Map<number, string[]>();
    let count = 0;
    for (const [, fields] of entries) {
      count += entrySize(fields);
      for (const [p, json] of entrySlices(fields, this.o.partitions)) {
        if (json.length <= 2) continue; // []
        let list = slices.get(p);
        if (!list) slices.set(p, (list = []));
        // The inside of the array: the partition's arrays of this pass become one.
        list.push(json.slice(1, -1));
      }
    }
    const upTo = entries[entries.length - 1][0];
    await Promise.all(
      [...slices].map(([partition, parts]) => {
        const job: RuleJobWire = { partition, upTo, recordsJson: `[${parts.join(',')}]` };
        return this.queues[partition].add(RULE_JOB_NAME, job, {
          removeOnComplete: true,
          removeOnFail: 1000,
          attempts: 20,
          backoff: { type: 'exponential', delay: 200 },
        });
      }),
    );
    await this.redis.xack(this.n.readings, this.n.routeGroup, ...entries.map((e) => e[0]));
    this.o.onRouted?.(count, slices.size);
  }
}
