import { DelayedError, Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { jobPayload, type QueueOwnerOptions } from '@lg/redis';
import type Redis from 'ioredis';
import { z } from 'zod';
import {
  ESCALATION_LEVELS,
  NOTIFY_CHANNELS,
  SEVERITIES,
  type Names,
  type NotificationDelivery,
  type NotifyChannel,
} from '@lg/contracts';
import { PermanentSendError, type Channel, type SendResult } from './channels/channel';
import { maskAddress, type DeliveryStore } from './deliveries';
import { afterSend } from './receipts';

const contactSchema = z.object({
  name: z.string().max(200),
  phone: z.string().max(64),
  role: z.string().max(200).optional(),
  mobile: z.string().max(32).optional(),
  email: z.string().max(254).optional(),
});

/** One job: one message on one channel to one person. Validated before use. */
export const deliveryJobSchema = z.object({
  id: z.string().regex(/^[a-f0-9]{24}$/),
  channel: z.enum(NOTIFY_CHANNELS),
  to: z.string().min(1).max(254),
  contact: contactSchema,
  level: z.enum(ESCALATION_LEVELS),
  unit: z.string().max(64),
  severity: z.enum(SEVERITIES),
  /** The alerts it tells of; empty for a daily digest. */
  alertIds: z.array(z.string().max(200)).max(1000),
  rendered: z.object({
    subject: z.string().max(500),
    sms: z.string().max(500),
    text: z.string().max(20_000),
    /** E-mail: a composed HTML body (a digest's); else the text is turned into HTML. */
    html: z.string().max(200_000).optional(),
    ackUrl: z.string().max(1000).optional(),
  }),
  /** A daily digest: whose and which day (docs/notifications.md, "Daily digest"). */
  digest: z.object({ scope: z.string().max(64), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }).optional(),
});
export type DeliveryJob = z.infer<typeof deliveryJobSchema>;

export interface DeliveryQueueOptions extends QueueOwnerOptions {
  attempts: number;
  backoffMs: number;
  timeoutMs: number;
  throttlePerMinute: number;
  concurrency?: number;
  /** After each attempt: for metrics. */
  onAttempt?: (channel: NotifyChannel, outcome: 'sent' | 'retry' | 'failed' | 'skipped') => void;
}

/**
 * The delivery queue (BullMQ): one job per message, channel and person, its ID the delivery ID so that
 * queueing the same message again adds nothing. Retries with exponential back-off; a permanent refusal
 * fails at once.
 *
 * A retried job never sends twice: before sending, the job claims the delivery (`SET NX` with a TTL a
 * little over the send timeout) and after a successful send it marks it done for good; a job that finds
 * it done records it and stops, one that finds a claim held waits for the next attempt. Only a crash
 * between the far end taking a message and the mark being written can send it again, after the claim's
 * TTL; the delivery ID goes along (Message-ID, `Idempotency-Key`, `OutId`, `X-LG-Delivery`) so that the
 * far end can tell.
 *
 * Per-person throttling: at most `throttlePerMinute` messages per address and minute; more wait in the
 * queue for the next minute. Red is never held back.
 */
export class DeliveryQueue {
  private queue: Queue | undefined;
  private worker: Worker | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly store: DeliveryStore,
    private readonly channels: ReadonlyMap<NotifyChannel, Channel>,
    private readonly o: DeliveryQueueOptions,
  ) {}

  async start(consume: boolean): Promise<void> {
    this.queue = new Queue(this.n.notifyQueue, {
      connection: this.o.connection(),
      prefix: this.o.bullPrefix,
    });
    this.queue.on('error', (err) => this.o.onError?.(err, 'notify queue'));
    await this.queue.waitUntilReady();
    if (!consume) return;
    this.worker = new Worker(this.n.notifyQueue, (job: Job, token?: string) => this.process(job, token), {
      connection: this.o.connection(),
      prefix: this.o.bullPrefix,
      concurrency: this.o.concurrency ?? 8,
      lockDuration: Math.max(30_000, this.o.timeoutMs * 3),
    });
    this.worker.on('error', (err) => this.o.onError?.(err, 'notify worker'));
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    await this.queue?.close();
  }

  /** Queues deliveries (their records are written by the caller first). Already-queued IDs add nothing. */
  async add(jobs: readonly DeliveryJob[]): Promise<void> {
    if (!this.queue) throw new Error('the delivery queue is not started');
    if (jobs.length === 0) return;
    await this.queue.addBulk(
      jobs.map((data) => ({
        name: data.channel,
        data,
        opts: {
          jobId: data.id,
          attempts: this.o.attempts,
          backoff: { type: 'exponential', delay: this.o.backoffMs },
          removeOnComplete: { age: 3600, count: 5000 },
          removeOnFail: { age: 7 * 24 * 3600 },
          // Red first when many wait.
          priority: data.severity === 'red' ? 1 : data.severity === 'orange' ? 2 : 3,
        },
      })),
    );
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    const d = jobPayload(deliveryJobSchema, job, 'delivery');
    const fallback = queuedRecord(d, new Date(job.timestamp).toISOString());
    const done = await this.redis.get(this.n.deliverySend(d.id));
    if (done === 'done') {
      // Sent by an earlier attempt that died before recording it.
      const rec = await this.store.get(d.id);
      if (rec?.state !== 'sent' && rec?.state !== 'delivered')
        await this.store.update(d.id, { state: 'sent', sentAt: new Date().toISOString() }, fallback);
      this.o.onAttempt?.(d.channel, 'skipped');
      return;
    }
    const channel = this.channels.get(d.channel);
    if (!channel) {
      await this.store.update(
        d.id,
        { state: 'failed', reason: `channel ${d.channel} is off`, failedAt: new Date().toISOString() },
        fallback,
      );
      throw new UnrecoverableError(`channel ${d.channel} is not configured`);
    }
    if (d.severity !== 'red' && token && (await this.throttled(d.to))) {
      const minute = 60_000;
      await job.moveToDelayed(
        (Math.floor(Date.now() / minute) + 1) * minute + Math.floor(Math.random() * 1000),
        token,
      );
      throw new DelayedError();
    }
    const claimed = await this.redis.set(
      this.n.deliverySend(d.id),
      'sending',
      'PX',
      this.o.timeoutMs + 5000,
      'NX',
    );
    if (claimed !== 'OK') throw new Error(`delivery ${d.id} is being sent by another attempt`);
    const attempts = job.attemptsMade + 1;
    let result: SendResult;
    try {
      result = await channel.send(
        {
          id: d.id,
          to: d.to,
          contact: d.contact,
          severity: d.severity,
          alertIds: d.alertIds,
          rendered: d.rendered,
          ...(d.digest ? { digest: d.digest } : {}),
        },
        AbortSignal.timeout(this.o.timeoutMs),
      );
    } catch (err) {
      await this.redis.del(this.n.deliverySend(d.id));
      const reason = err instanceof Error ? err.message : String(err);
      const final = err instanceof PermanentSendError || attempts >= this.o.attempts;
      const now = new Date().toISOString();
      await this.store.update(
        d.id,
        final ? { state: 'failed', reason, attempts, failedAt: now } : { state: 'queued', reason, attempts },
        fallback,
      );
      this.o.onAttempt?.(d.channel, final ? 'failed' : 'retry');
      if (err instanceof PermanentSendError) throw new UnrecoverableError(reason);
      throw err;
    }
    await this.redis.set(this.n.deliverySend(d.id), 'done', 'EX', 7 * 24 * 3600);
    const now = new Date().toISOString();
    // Compare-and-set: a provider's receipt may already have said delivered (or failed); it stays.
    await this.store.change(d.id, (current) => afterSend(current ?? fallback, result, attempts, now));
    this.o.onAttempt?.(d.channel, 'sent');
  }

  /** Counts one message to this address in the current minute; true when that is over the limit. */
  private async throttled(address: string): Promise<boolean> {
    const key = `${this.n.contactThrottle(address)}:${Math.floor(Date.now() / 60_000)}`;
    const [[, count]] = ((await this.redis.multi().incr(key).expire(key, 120).exec()) ?? [
      [null, 0],
    ]) as Array<[Error | null, unknown]>;
    return Number(count) > this.o.throttlePerMinute;
  }
}

/** The record of a delivery just queued (its address masked: records are shown, jobs are not). */
export function queuedRecord(
  d: DeliveryJob,
  queuedAt: string,
  transition: NotificationDelivery['transition'] = 'opened',
): NotificationDelivery {
  return {
    id: d.id,
    channel: d.channel,
    to: maskAddress(d.to),
    contact: d.contact.name,
    ...(d.contact.role ? { role: d.contact.role } : {}),
    level: d.level,
    unit: d.unit,
    transition,
    severity: d.severity,
    alerts: d.alertIds.length,
    state: 'queued',
    attempts: 0,
    queuedAt,
  };
}
