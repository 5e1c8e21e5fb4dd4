import { Worker, UnrecoverableError, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { ruleJobSchema, type Names, type RuleJob } from '@lg/contracts';
import { LeaseLostError, type RedisConnections } from '@lg/redis';
import type { RulePack } from '@lg/rules';
import type { EvaluationOutcome, PartitionEvaluator } from './partition-evaluator';
import { PartitionOwnership } from './partition-ownership';

export interface RuleWorkersOptions {
  partitions: number;
  workerId: string;
  leaseTtlMs?: number;
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
  private readonly ownership: PartitionOwnership;

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

  start(): Promise<void> {
    return this.ownership.start();
  }

  async stop(): Promise<void> {
    await this.ownership.stop();
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
        this.o.onOutcome?.(outcome, parsed.data);
        return;
      } catch (err) {
        if (err instanceof LeaseLostError || Date.now() > deadline) throw err;
        this.o.onError?.(err, `partition ${parsed.data.partition}, attempt ${attempt + 1}`);
        await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt)));
      }
    }
  }
}
