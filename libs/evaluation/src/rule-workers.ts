import { Queue, Worker, UnrecoverableError, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { readRuleJob, RULE_JOB_NAME, type Names, type RuleJob } from '@lg/contracts';
import { LeaseLostError, StaleWriteError, type RedisConnections } from '@lg/redis';
import type { RulePack } from '@lg/rules';
import type { PartitionOutcome } from './evaluate-partition';
import type { PartitionEvaluator } from './partition-evaluator';
import { PartitionOwnership } from './partition-ownership';
import { readRoutingLag } from './routing-lag';

/** BullMQ job lock of a rule job: how long a dead worker's running job stays out of reach, ms. */
const LOCK_MS = 10_000;

export interface RuleWorkersOptions {
  partitions: number;
  workerId: string;
  leaseTtlMs?: number;
  /** How often owned partitions are checked for due timers (offline, escalation), ms. */
  timerIntervalMs?: number;
  /**
   * While the routing of readings to the rules is this far behind, ms, no timer is queued (inhibition,
   * docs/rules.md): readings not yet routed may be the very ones that answer a silence deadline. 0: off.
   */
  routingBehindMs?: number;
  /**
   * True while ingest, which runs the router, is down (the platform cause): the routing lag then only
   * grows, and waiting for it would stop every timer — escalations too — until ingest returns. The
   * deadlines run instead; the offline alerts they open are held under that cause.
   */
  routerDown?: () => boolean;
  /** Called when timers are held back for the routing lag (ms), and when they run again (0). */
  onRoutingLag?: (lagMs: number) => void;
  /** Called before each timer round (e.g. to refresh a test clock). */
  beforeTimers?: () => Promise<void>;
  /** How long a transient failure (Redis away) is retried in place before the job is failed. */
  retryForMs?: number;
  /** After each job: its outcome (counts and effects), the job, and the job as traces name it. */
  onOutcome?: (outcome: PartitionOutcome, job: RuleJob, jobRef: string) => void;
  onError?: (err: unknown, context: string) => void;
}

/**
 * The BullMQ side of the worker: one BullMQ worker (concurrency 1) per partition this process owns. A job
 * carries a batch of one partition's records; jobs of a partition run one after another, so readings of a
 * device are evaluated in order. Transient failures are retried in place rather than by BullMQ, because a
 * BullMQ retry would let the next job of the partition overtake this one.
 */
export class RuleWorkers {
  private readonly workers = new Map<number, Worker>();
  private readonly queues = new Map<number, Queue>();
  private readonly starting = new Map<number, Promise<void>>();
  /** Partitions with a timer job queued and not yet run: one at a time is enough. */
  private readonly tickQueued = new Set<number>();
  private readonly ownership: PartitionOwnership;
  private timer: NodeJS.Timeout | undefined;
  private timerRound: Promise<void> = Promise.resolve();
  /** Timers held back for the routing lag in the last round. */
  private timersHeld = false;

  constructor(
    private readonly connections: RedisConnections,
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly evaluator: PartitionEvaluator,
    private readonly pack: () => RulePack,
    private readonly o: RuleWorkersOptions,
  ) {
    this.ownership = new PartitionOwnership(
      redis,
      n,
      o.partitions,
      o.workerId,
      { acquired: (p) => this.startPartition(p), released: (p) => this.stopPartition(p) },
      o.leaseTtlMs ?? 5000,
      (err) => o.onError?.(err, 'partition ownership'),
    );
  }

  owned(): number[] {
    return this.ownership.ownedPartitions();
  }

  async start(): Promise<void> {
    await this.ownership.start();
    this.timer = setInterval(() => {
      this.timerRound = this.timerRound
        .then(() => this.queueDueTimers())
        .catch((err) => this.o.onError?.(err, 'timers'));
    }, this.o.timerIntervalMs ?? 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.timerRound;
    await this.ownership.stop();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }

  /** Queues a timer job for each owned partition whose deadlines or escalations are due. */
  private async queueDueTimers(): Promise<void> {
    await this.o.beforeTimers?.();
    // Readings waiting in the log for the router may answer any partition's deadline: while routing is
    // behind, deadlines wait for it (they fire once it caught up), as they wait for a partition's queue.
    const behindMs = this.o.routingBehindMs ?? 0;
    if (behindMs > 0 && this.owned().length > 0 && !this.o.routerDown?.()) {
      const lag = await readRoutingLag(this.redis, this.n.readings, this.n.routeGroup);
      const held = lag > behindMs;
      if (held !== this.timersHeld) this.o.onRoutingLag?.(held ? lag : 0);
      this.timersHeld = held;
      if (held) return;
    }
    for (const p of this.owned()) {
      if (this.tickQueued.has(p) || !(await this.evaluator.due(p))) continue;
      // Readings still waiting in the partition's queue may be the very ones that answer a deadline: a
      // device is only found silent once its partition has caught up.
      const queue = this.queueFor(p);
      if ((await queue.getWaitingCount()) > 0) continue;
      this.tickQueued.add(p);
      const job: RuleJob = { partition: p, upTo: '', records: [], tick: Date.now() };
      await queue.add(RULE_JOB_NAME, job, { removeOnComplete: true, removeOnFail: 1000 });
    }
  }

  /**
   * Starts consuming a partition without holding up the ownership loop (which must keep renewing the
   * other leases): first the jobs a dead owner left active, then the queue.
   */
  private startPartition(p: number): Promise<void> {
    const start = this.recoverOrphans(p)
      .then(() => {
        if (!this.ownership.ownedPartitions().includes(p)) return;
        const worker = new Worker(this.n.rulesQueue(p), (job: Job) => this.process(job), {
          connection: this.connections.bullConnection(),
          prefix: this.n.bullPrefix,
          concurrency: 1,
          lockDuration: LOCK_MS,
          stalledInterval: LOCK_MS,
          maxStalledCount: 10,
        });
        worker.on('error', (err) => this.o.onError?.(err, `partition ${p}`));
        this.workers.set(p, worker);
      })
      .catch((err) => this.o.onError?.(err, `starting partition ${p}`));
    this.starting.set(p, start);
    return Promise.resolve();
  }

  /**
   * A job that was running when its worker died stays "active" until its lock expires; BullMQ would then
   * put it back in the queue, but by that time the next jobs of the partition could have run, and the
   * orphan's readings would arrive late. So the new owner waits for the dead worker's lock to expire and
   * runs the orphan itself, first. Re-running a job that had in fact been committed changes nothing: its
   * readings are duplicates by event time.
   */
  private async recoverOrphans(p: number): Promise<void> {
    const queue = this.queueFor(p);
    const active = (await queue.getActive()).sort((a, b) => Number(a.id) - Number(b.id));
    for (const job of active) {
      const lock = `${this.n.bullPrefix}:${this.n.rulesQueue(p)}:${job.id}:lock`;
      const deadline = Date.now() + LOCK_MS + 5000;
      while ((await this.redis.exists(lock)) === 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      // Still locked: its worker is alive after all (a slow job); it will finish it.
      if ((await this.redis.exists(lock)) === 1) continue;
      try {
        await this.process(job);
      } catch (err) {
        this.o.onError?.(err, `orphaned job ${job.id} of partition ${p}`);
      }
      await job.remove().catch((err: unknown) => this.o.onError?.(err, `removing orphaned job ${job.id}`));
    }
  }

  private queueFor(p: number): Queue {
    let queue = this.queues.get(p);
    if (!queue) {
      queue = new Queue(this.n.rulesQueue(p), {
        connection: this.connections.bullConnection(),
        prefix: this.n.bullPrefix,
      });
      this.queues.set(p, queue);
    }
    return queue;
  }

  private async stopPartition(p: number): Promise<void> {
    await this.starting.get(p);
    this.starting.delete(p);
    const worker = this.workers.get(p);
    this.workers.delete(p);
    this.tickQueued.delete(p);
    await worker?.close();
  }

  private async process(job: Job): Promise<void> {
    // Parsed from the router's JSON text if need be, and checked in place (no copy of the records, unlike
    // ruleJobSchema.safeParse): see readRuleJob.
    const checked = readRuleJob(job.data);
    if (!checked.ok)
      throw new UnrecoverableError(`malformed rule job ${job.id}: ${checked.path} ${checked.message}`);
    const data = checked.job;
    // The job as transitions' traces and log lines name it: its queue (hence partition) and BullMQ ID.
    const jobRef = `${job.queueName}:${job.id ?? ''}`;
    const deadline = Date.now() + (this.o.retryForMs ?? 60_000);
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await this.evaluator.evaluate(data, this.pack(), jobRef);
        if (data.tick !== undefined) this.tickQueued.delete(data.partition);
        this.o.onOutcome?.(outcome, data, jobRef);
        return;
      } catch (err) {
        if (err instanceof LeaseLostError || Date.now() > deadline) {
          if (data.tick !== undefined) this.tickQueued.delete(data.partition);
          throw err;
        }
        // Someone acknowledged an alert while the job ran: nothing was written; evaluate again at once.
        if (err instanceof StaleWriteError && attempt < 10) continue;
        this.o.onError?.(err, `partition ${data.partition}, attempt ${attempt + 1}`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      }
    }
  }
}
