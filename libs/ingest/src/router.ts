import type Redis from 'ioredis';
import type { Job, Queue } from 'bullmq';
import type { Names, RuleJobWire } from '@lg/contracts';
import { RULE_JOB_NAME } from '@lg/contracts';
import { setTimeout as sleep } from 'node:timers/promises';
import { claimIdle, GroupConsumer, HeldLease, type StreamBatch } from '@lg/redis';
import { entrySize, entrySlices } from './log-entry';

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
  /**
   * After each pass: the records routed, the jobs added (one per partition with records) and the pass's
   * last entry, which each job carries as `upTo` (the jobs as BullMQ answered, for a debug line).
   */
  onRouted?: (records: number, jobs: readonly Job[], upTo: string) => void;
}

/**
 * Hands the reading log to the rules: reads the log in order and adds, per pass, one BullMQ job per rule
 * partition with that partition's records. Batching across many MQTT messages keeps the job rate far
 * below BullMQ's ceiling at 20k readings/s. One router is active at a time (a lease), because two would
 * interleave a partition's jobs out of log order; a new holder first claims what the old one left pending.
 * It does not parse records: each entry holds every partition's records as one JSON array (log-entry.ts),
 * and a job carries its partition's arrays joined into one.
 */
export class ReadingRouter extends GroupConsumer {
  private readonly lease: HeldLease;

  constructor(
    blocking: Redis,
    redis: Redis,
    private readonly n: Names,
    private readonly queues: Queue[],
    private readonly o: RouterOptions,
  ) {
    super(blocking, redis, {
      group: n.routeGroup,
      consumer: o.consumer,
      streams: [n.readings],
      batchEntries: o.batchEntries ?? 50,
      backoff: { minMs: 50, maxMs: 2000 },
      onError: o.onError,
    });
    this.lease = new HeldLease(redis, `${n.prefix}:router:lease`, o.consumer, {
      ttlMs: o.leaseTtlMs ?? 5000,
      // A new holder first takes over what the old one left pending, and routes it before anything new.
      onAcquired: async () => {
        await claimIdle(redis, n.readings, n.routeGroup, o.consumer, 0);
        this.pendingFirst();
      },
    });
  }

  get leaseKey(): string {
    return this.lease.key;
  }

  get active(): boolean {
    return this.lease.held;
  }

  override async stop(): Promise<void> {
    await super.stop();
    await this.lease.release().catch(() => undefined);
  }

  protected override ready(): Promise<boolean> {
    return this.lease.hold();
  }

  /**
   * Linger: a pass becomes one job per partition, and BullMQ costs per job, not per reading. Letting a few
   * milliseconds of entries gather makes jobs carry hundreds of readings instead of a handful; while the
   * workers are behind, a pass gathers longer and may take more records. A pass stops gathering at its
   * record budget, which bounds a job's size (and the worker's memory for it).
   */
  protected override async gather(batch: StreamBatch): Promise<void> {
    const entries = batch.get(this.n.readings) ?? [];
    const busy = await this.workersBehind();
    const linger = busy ? (this.o.busyLingerMs ?? 50) : (this.o.lingerMs ?? 5);
    const budget = (this.o.batchRecords ?? 5000) * (busy ? 4 : 1);
    let records = entries.reduce((n, e) => n + entrySize(e[1]), 0);
    if (records >= budget || linger <= 0) return;
    await sleep(linger);
    while (records < budget) {
      const more = (await this.readMore(this.c.batchEntries)).get(this.n.readings) ?? [];
      if (more.length === 0) break;
      for (const e of more) {
        entries.push(e);
        records += entrySize(e[1]);
      }
    }
    batch.set(this.n.readings, entries);
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

  protected async handle(batch: StreamBatch): Promise<void> {
    const entries = batch.get(this.n.readings) ?? [];
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
    const added = await Promise.all(
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
    this.o.onRouted?.(count, added, upTo);
  }
}
