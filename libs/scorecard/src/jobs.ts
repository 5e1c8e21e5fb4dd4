import type { ConnectionOptions, Job } from 'bullmq';
import { jobPayload, ScheduledQueue } from '@lg/redis';
import { z } from 'zod';
import { parseDay } from './days';
import { previousDay, type DayOutcome, type ScorecardEngine } from './engine';

/**
 * BullMQ queue of the scorecard (its own, apart from the rule partitions). The braces are a Redis Cluster
 * hash tag: BullMQ's scripts touch several keys of one queue, which must share a slot.
 */
export const SCORECARD_QUEUE = '{scorecard}';
/** The job scheduler that computes yesterday every night. */
export const SCORECARD_SCHEDULER = 'scorecard-daily';
export const SCORECARD_JOB_NAME = 'day';
/** 00:30 every day, Asia/Shanghai: yesterday's records are in by then. */
export const SCORECARD_DEFAULT_CRON = '30 0 * * *';
export const SCORECARD_TIMEZONE = 'Asia/Shanghai';

/** A scorecard job: the local day to compute (`YYYY-MM-DD`), or none for the day before the scheduled run. */
export const scorecardJobSchema = z
  .object({
    day: z
      .string()
      .refine((d) => parseDay(d) !== undefined, 'must be a date YYYY-MM-DD')
      .optional(),
  })
  .strict();
export type ScorecardJob = z.infer<typeof scorecardJobSchema>;

export interface ScorecardJobsOptions {
  /** BullMQ connection options (each Queue/Worker opens its own connection). */
  connection: () => ConnectionOptions;
  /** BullMQ key prefix (`{REDIS_PREFIX}:bull`). */
  prefix: string;
  /** Cron pattern of the daily run, in Asia/Shanghai. Default 00:30. */
  cron?: string;
  onDone?: (outcome: DayOutcome) => void;
  onError?: (err: unknown, context: string) => void;
}

/**
 * The daily scorecard: a job scheduler on the `scorecard` queue adds a job at 00:30 Asia/Shanghai; a worker
 * (concurrency 1; with several worker processes BullMQ gives each job to one) computes the previous local
 * day for every company and keeps it. The day is taken from the job's scheduled time, so a run delayed past
 * midnight still computes the right day. A malformed job fails without retry; a failed computation (say,
 * InfluxDB away) is retried with backoff.
 */
export class ScorecardJobs {
  private jobs: ScheduledQueue | undefined;

  constructor(
    private readonly engine: ScorecardEngine,
    private readonly o: ScorecardJobsOptions,
  ) {}

  async start(): Promise<void> {
    this.jobs = await ScheduledQueue.open(
      SCORECARD_QUEUE,
      'scorecard',
      {
        connection: () => this.o.connection(),
        prefix: this.o.prefix,
        onError: (err, where) => this.o.onError?.(err, where),
      },
      SCORECARD_SCHEDULER,
      {
        pattern: this.o.cron ?? SCORECARD_DEFAULT_CRON,
        tz: SCORECARD_TIMEZONE,
        job: {
          name: SCORECARD_JOB_NAME,
          data: {},
          opts: {
            attempts: 5,
            backoff: { type: 'exponential', delay: 60_000 },
            removeOnComplete: 100,
            removeOnFail: 100,
          },
        },
      },
    );
    // A district day is read in one go; allow it time before the job counts as stalled.
    this.jobs.work((job: Job) => this.process(job), { concurrency: 1, lockDuration: 300_000 });
  }

  async stop(): Promise<void> {
    await this.jobs?.close();
  }

  private async process(job: Job): Promise<DayOutcome> {
    const data = jobPayload(scorecardJobSchema, job, 'scorecard');
    const day =
      data.day !== undefined
        ? (parseDay(data.day) as number)
        : previousDay(job.opts.prevMillis ?? job.timestamp);
    const outcome = await this.engine.computeDay(day);
    this.o.onDone?.(outcome);
    return outcome;
  }
}
