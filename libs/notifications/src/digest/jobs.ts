import { Queue, UnrecoverableError, type Job } from 'bullmq';
import { jobPayload, queueWiring, ScheduledQueue, type QueueOwnerOptions } from '@lg/redis';
import type Redis from 'ioredis';
import { z } from 'zod';
import type { Names } from '@lg/contracts';
import type { Registry } from '@lg/registry';
import { addDays, dueDigestDate, isDate, localDay } from './days';
import type { DigestClaims } from './claims';
import { allScopes, resolveScope, type DigestKind, type ResolvedScope } from './scopes';
import type { DigestSender } from './sender';

/** The job scheduler that sends yesterday's digests every morning. */
export const DIGEST_SCHEDULER = 'digest-daily';
/** Days a restarted schedule catches up at most (older days are left: their news is stale). */
export const DIGEST_CATCH_UP_DAYS = 3;

/**
 * A digest job. Without `run`: the schedule's, claimed per scope and day (sent once); `date` absent means
 * the day due at the job's scheduled time. With `run`: an operator's send, of one scope, sent every time.
 */
export const digestJobSchema = z
  .object({
    date: z.string().refine(isDate, 'must be a date YYYY-MM-DD').optional(),
    scope: z.string().max(64).optional(),
    run: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
  })
  .strict();
export type DigestJob = z.infer<typeof digestJobSchema>;

export interface DigestJobsOptions extends QueueOwnerOptions {
  /** Local minutes of the day the digests go out; null: no schedule (operators' sends still go). */
  sendAtMinutes: number | null;
  timeZone: string;
  kinds: readonly DigestKind[];
  /** This worker's name: the claims carry it. */
  holder: string;
  /** First retry delay of a day's job with scopes left (held elsewhere or failed), doubling; default 30 s. */
  retryDelayMs?: number;
  now?: () => number;
  onSent?: (scope: string, date: string, deliveries: number, run: string) => void;
}

/**
 * The daily digest's schedule and sends: a BullMQ job scheduler adds one job at the configured local time
 * (however many workers upsert it), any worker takes it, and each scope's digest of the day is claimed
 * before it is sent (DigestClaims), so two workers never send it twice. A scope whose claim another
 * worker holds, or whose send failed, fails the job, which is retried with back-off until every scope is
 * done. A worker that starts after days without a schedule run (all were down at the hour) queues the
 * missed days, up to {@link DIGEST_CATCH_UP_DAYS}.
 */
export class DigestJobs {
  private jobs: ScheduledQueue | undefined;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly registry: Registry,
    private readonly claims: DigestClaims,
    private readonly sender: DigestSender,
    private readonly o: DigestJobsOptions,
  ) {
    this.now = o.now ?? Date.now;
  }

  async start(): Promise<void> {
    const at = this.o.sendAtMinutes;
    this.jobs = await ScheduledQueue.open(
      this.n.digestQueue,
      'digest',
      queueWiring(this.o),
      DIGEST_SCHEDULER,
      at === null
        ? null
        : {
            pattern: `${at % 60} ${Math.floor(at / 60)} * * *`,
            tz: this.o.timeZone,
            job: { name: 'daily', data: {}, opts: jobOpts(this.o.retryDelayMs) },
          },
    );
    if (at !== null) await this.catchUp(this.jobs.queue, at);
    this.jobs.work((job: Job) => this.process(job), { concurrency: 1, lockDuration: 120_000 });
  }

  async stop(): Promise<void> {
    await this.jobs?.close();
  }

  /**
   * Days due since the schedule last sent. A first start ever only notes the day due (a new deployment
   * does not mail its first morning's history at whatever hour it starts).
   */
  private async catchUp(queue: Queue, at: number): Promise<void> {
    const due = dueDigestDate(this.now(), this.o.timeZone, at);
    const last = await this.redis.get(this.n.digestLastDay);
    if (last === null || !isDate(last)) {
      await this.redis.set(this.n.digestLastDay, due);
      return;
    }
    const days: string[] = [];
    for (let d = due; d > last && days.length < DIGEST_CATCH_UP_DAYS; d = addDays(d, -1)) days.unshift(d);
    // The job ID names the day: two workers starting together queue it once (and the claims hold anyway).
    for (const date of days)
      await queue.add('catch-up', { date }, { ...jobOpts(this.o.retryDelayMs), jobId: `catch-up-${date}` });
  }

  private async process(job: Job): Promise<{ sent: number; skipped: number }> {
    const data = jobPayload(digestJobSchema, job, 'digest');
    let scopes: ResolvedScope[];
    if (data.scope !== undefined) {
      const r = resolveScope(this.registry, data.scope);
      if (!r) throw new UnrecoverableError(`digest job ${job.id}: no company or street ${data.scope}`);
      scopes = [r];
    } else scopes = allScopes(this.registry, this.o.kinds);
    const date =
      data.date ??
      dueDigestDate(job.opts.prevMillis ?? job.timestamp, this.o.timeZone, this.o.sendAtMinutes ?? 0);
    const day = localDay(date, this.o.timeZone);
    if (data.run !== undefined) {
      for (const r of scopes) {
        const { deliveries } = await this.sender.send(r, day, this.now(), data.run);
        this.o.onSent?.(r.scope.id, date, deliveries, data.run);
      }
      return { sent: scopes.length, skipped: 0 };
    }
    let sent = 0;
    let skipped = 0;
    const left: string[] = [];
    for (const r of scopes) {
      const outcome = await this.claims.claim(r.scope.id, date, this.o.holder);
      if (outcome === 'done') {
        skipped++;
        continue;
      }
      if (outcome === 'busy') {
        left.push(`${r.scope.id} (held by another worker)`);
        continue;
      }
      try {
        const { deliveries } = await this.sender.send(r, day, this.now(), 'daily');
        await this.claims.complete(r.scope.id, date, this.o.holder);
        sent++;
        this.o.onSent?.(r.scope.id, date, deliveries, 'daily');
      } catch (err) {
        await this.claims.release(r.scope.id, date, this.o.holder);
        left.push(`${r.scope.id} (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    if (left.length > 0) throw new Error(`digests of ${date} not sent yet: ${left.join(', ')}`);
    await this.noteDay(date);
    return { sent, skipped };
  }

  /** Remembers the latest day the schedule finished (never moving back). */
  private async noteDay(date: string): Promise<void> {
    const last = await this.redis.get(this.n.digestLastDay);
    if (last === null || date > last) await this.redis.set(this.n.digestLastDay, date);
  }

  /** Queues an operator's send of one scope's digest of a day; answers the run ID. */
  static async queueSend(queue: Queue, scope: string, date: string, run: string): Promise<void> {
    await queue.add('send', { scope, date, run }, { ...jobOpts(), jobId: `send-${run}` });
  }
}

function jobOpts(retryDelayMs = 30_000) {
  return {
    attempts: 10,
    backoff: { type: 'exponential' as const, delay: retryDelayMs },
    removeOnComplete: 100,
    removeOnFail: 100,
  };
}
