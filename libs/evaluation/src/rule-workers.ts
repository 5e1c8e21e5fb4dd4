import { Queue, Worker, UnrecoverableError, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { RULE_JOB_NAME, ruleJobSchema, type Names, type RuleJob } from '@lg/contracts';
import { LeaseLostError, type RedisConnections } from '@lg/redis';
import type { RulePack } from '@lg/rules';
import type { EvaluationOutcome, PartitionEvaluator } from './partition-evaluator';
import { PartitionOwnership } from './partition-ownership';

export interface RuleWorkersOptions {
  partitions: number;
  workerId: string;
  leaseTtlMs?: number;
  /** How often owned partitions are checked for due timers (offline, escalation), ms. */
  timerIntervalMs?: number;
  /** Called before each timer round (e.g. to refresh a test clock). */
  beforeTimers?: () => Promise<void>;
  /** How long a transient failure (Redis away) is retried in place before the job is failed. */
  retryForMs?: number;
  onOutcome?: (outcome: EvaluationOutcome, job: RuleJob) => void;
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
  /** Partitions with a timer job queued and not yet run: one at a time is enough. */
  private readonly tickQueued = new Set<number>();
  private readonly ownership: PartitionOwnership;
  private timer: NodeJS.Timeout | undefined;
  private timerRound: Promise<void> = Promise.resolve();

  constructor(
    private readonly connections: RedisConnections,
    redis: Redis,
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
    for (const p of this.owned()) {
      if (this.tickQueued.has(p) || !(await this.evaluator.due(p))) continue;
      let queue = this.queues.get(p);
      if (!queue) {
        queue = new Queue(this.n.rulesQueue(p), {
          connection: this.connections.bullConnection(),
          prefix: this.n.bullPrefix,
        });
        this.queues.set(p, queue);
      }
      this.tickQueued.add(p);
      const job: RuleJob = { partition: p, upTo: '', records: [], tick: Date.now() };
      await queue.add(RULE_JOB_NAME, job, { removeOnComplete: true, removeOnFail: 1000 });
    }
  }

  private startPartition(p: number): Promise<void> {
    const worker = new Worker(this.n.rulesQueue(p), (job: Job) => this.process(job), {
      connection: this.connections.bullConnection(),
      prefix: this.n.bullPrefix,
      concurrency: 1,
      lockDuration: 30_000,
      stalledInterval: 15_000,
      maxStalledCount: 10,
    });
    worker.on('error', (err) => this.o.onError?.(err, `partition ${p}`));
    this.workers.set(p, worker);
    return Promise.resolve();
  }

  private async stopPartition(p: number): Promise<void> {
    const worker = this.workers.get(p);
    this.workers.delete(p);
    this.tickQueued.delete(p);
    await worker?.close();
  }

  private async process(job: Job): Promise<void> {
    const parsed = ruleJobSchema.safeParse(job.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UnrecoverableError(`malformed rule job ${job.id}: ${issue.path.join('.')} ${issue.message}`);
    }
    const deadline = Date.now() + (this.o.retryForMs ?? 60_000);
    for (let attempt = 0; ; attempt++) {
      try {
        const outcome = await this.evaluator.evaluate(parsed.data, this.pack());
        if (parsed.data.tick !== undefined) this.tickQueued.delete(parsed.data.partition);
        this.o.onOutcome?.(outcome, parsed.data);
        return;
      } catch (err) {
        if (err instanceof LeaseLostError || Date.now() > deadline) {
          if (parsed.data.tick !== undefined) this.tickQueued.delete(parsed.data.partition);
          throw err;
        }
        this.o.onError?.(err, `partition ${parsed.data.partition}, attempt ${attempt + 1}`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      }
    }
  }
}
