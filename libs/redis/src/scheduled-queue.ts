import {
  Queue,
  UnrecoverableError,
  Worker,
  type ConnectionOptions,
  type Job,
  type JobsOptions,
} from 'bullmq';
import type { z } from 'zod';
import { issueText } from '@lg/contracts';

/** How a queue reaches Redis, and where its errors and failed jobs are told. */
export interface QueueWiring {
  connection: () => ConnectionOptions;
  /** BullMQ's key prefix. */
  prefix: string | undefined;
  onError?: (err: unknown, where: string) => void;
}

/** What a service that owns BullMQ queues is given (the digest, the duty desk, the delivery queue). */
export interface QueueOwnerOptions {
  /** BullMQ connection options (each Queue and Worker opens its own connection). */
  connection: () => ConnectionOptions;
  /** BullMQ's key prefix (`{REDIS_PREFIX}:bull`). */
  bullPrefix: string;
  onError?: (err: unknown, where: string) => void;
}

/** The wiring of a queue from its owner's options (read when used, as the owner holds them). */
export function queueWiring(o: QueueOwnerOptions): QueueWiring {
  return {
    connection: () => o.connection(),
    prefix: o.bullPrefix,
    onError: (err, where) => o.onError?.(err, where),
  };
}

/**
 * A job's payload checked against its schema. A malformed one fails for good (BullMQ's UnrecoverableError:
 * every retry would find it as malformed), naming the job and the first issue: `malformed {what} job {id}:
 * {path} {message}`.
 */
export function jobPayload<S extends z.ZodTypeAny>(schema: S, job: Job, what: string): z.output<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    const issue = issueText(parsed.error.issues[0], { separator: ' ' });
    throw new UnrecoverableError(`malformed ${what} job ${job.id}: ${issue}`);
  }
  return parsed.data as z.output<S>;
}

/** A job a scheduler adds on a cron pattern in a time zone. */
export interface JobSchedule {
  pattern: string;
  tz: string;
  job: { name: string; data: object; opts: JobsOptions };
}

/**
 * A BullMQ queue whose jobs come (also) from one repeating scheduler, and the worker that runs them: the
 * scorecard's day, the duty desk's plan, the digest's morning. Errors of the queue and the worker and every
 * failed job go to `onError` as `{label} queue`, `{label} worker`, `{label} job {id}`.
 */
export class ScheduledQueue {
  private worker: Worker | undefined;

  private constructor(
    readonly queue: Queue,
    private readonly name: string,
    private readonly label: string,
    private readonly wiring: QueueWiring,
  ) {}

  /**
   * Opens the queue and sets its scheduler `schedulerId` to `schedule`; `null` removes the scheduler an
   * earlier start may have left (the schedule was switched off).
   */
  static async open(
    name: string,
    label: string,
    wiring: QueueWiring,
    schedulerId: string,
    schedule: JobSchedule | null,
  ): Promise<ScheduledQueue> {
    const queue = new Queue(name, { connection: wiring.connection(), prefix: wiring.prefix });
    queue.on('error', (err) => wiring.onError?.(err, `${label} queue`));
    if (schedule === null) await queue.removeJobScheduler(schedulerId);
    else
      await queue.upsertJobScheduler(
        schedulerId,
        { pattern: schedule.pattern, tz: schedule.tz },
        schedule.job,
      );
    return new ScheduledQueue(queue, name, label, wiring);
  }

  /** Starts the worker (once the caller has queued what must come first). */
  work(process: (job: Job) => Promise<unknown>, o: { concurrency: number; lockDuration?: number }): void {
    const worker = new Worker(this.name, process, {
      connection: this.wiring.connection(),
      prefix: this.wiring.prefix,
      concurrency: o.concurrency,
      ...(o.lockDuration === undefined ? {} : { lockDuration: o.lockDuration }),
    });
    worker.on('error', (err) => this.wiring.onError?.(err, `${this.label} worker`));
    worker.on('failed', (job, err) => this.wiring.onError?.(err, `${this.label} job ${job?.id ?? '?'}`));
    this.worker = worker;
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
  }
}
