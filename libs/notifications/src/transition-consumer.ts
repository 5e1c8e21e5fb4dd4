import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import type { Names, NotifyChannel } from '@lg/contracts';
import { batchSize, GroupConsumer, parseLiveEntry, type StreamBatch } from '@lg/redis';
import type { DeliveryStore } from './deliveries';
import { queuedRecord, type DeliveryJob, type DeliveryQueue } from './delivery-queue';
import { ackLink } from './links';
import { renderMessage } from './messages';
import {
  followIncidents,
  groupMessages,
  IncidentMemory,
  personKey,
  route,
  type Message,
  type RouteStep,
  type Routed,
  type RoutingPolicy,
} from './routing';

export interface TransitionConsumerOptions {
  consumer: string;
  policy: RoutingPolicy;
  /** The responsibility chain of an alert's device (the registry's), or undefined for an unknown device. */
  chainOf: (device: string) => readonly RouteStep[] | undefined;
  groupOver: number;
  gatherMs: number;
  linkBase: string;
  linkSecret: string;
  onError?: (err: unknown) => void;
  onQueued?: (messages: number, deliveries: number) => void;
}

/** Entries handled in one pass at most: a storm of thousands is routed in a few passes. */
const MAX_PASS_ENTRIES = 2000;

/**
 * Turns alert transitions into deliveries: a consumer group (`notify`) on the live stream the worker
 * already writes every transition to, so nothing is added where readings are evaluated. Entries are
 * gathered for a moment (a storm opens over a few seconds), routed, grouped per person, recorded and
 * queued, then acknowledged: a crash before the acknowledgement reads them again and queues the same
 * delivery IDs, which BullMQ and the records take once.
 *
 * A new group starts at the stream's end: a first start does not notify the stream's history.
 */
export class TransitionConsumer extends GroupConsumer {
  /**
   * Incidents already told of (in this worker: after a restart, or for an incident whose members another
   * worker read, one more message may go — never one fewer).
   */
  private readonly incidents = new IncidentMemory();

  constructor(
    blocking: Redis,
    redis: Redis,
    private readonly n: Names,
    private readonly store: DeliveryStore,
    private readonly queue: DeliveryQueue,
    private readonly o: TransitionConsumerOptions,
  ) {
    super(blocking, redis, {
      group: n.notifyGroup,
      consumer: o.consumer,
      streams: [n.live],
      batchEntries: 500,
      backoff: { minMs: 200, maxMs: 5000 },
      // A dead worker's unacknowledged entries are taken over after a minute.
      claim: { everyMs: 10_000, idleMs: 60_000 },
      onError: o.onError,
    });
  }

  override async start(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.n.live, this.n.notifyGroup, '$', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) throw err;
    }
    await super.start();
  }

  protected override async gather(batch: StreamBatch): Promise<void> {
    if (this.o.gatherMs <= 0) return;
    const until = Date.now() + this.o.gatherMs;
    while (Date.now() < until && batchSize(batch) < MAX_PASS_ENTRIES) {
      await sleep(Math.min(250, Math.max(0, until - Date.now())));
      await this.readMoreInto(batch, Math.min(500, MAX_PASS_ENTRIES - batchSize(batch)));
    }
  }

  protected async handle(batch: StreamBatch): Promise<void> {
    const entries = batch.get(this.n.live) ?? [];
    const routed: Routed[] = [];
    for (const [id, fields] of entries) {
      const record = parseLiveEntry(fields);
      if (record?.t !== 'alert') continue;
      const chain = this.o.chainOf(record.alert.device);
      if (!chain) continue;
      const recipients = route(record.alert, record.transition, chain, this.o.policy);
      if (recipients.length > 0)
        routed.push({ entry: id, alert: record.alert, transition: record.transition, recipients });
    }
    const { kept, told } = followIncidents(routed, this.incidents);
    const messages = groupMessages(kept, this.o.groupOver);
    const jobs = messages.flatMap((m) => this.jobsOf(m));
    const now = new Date().toISOString();
    await this.store.recordQueued(
      jobs.map(({ job, transition }) => ({
        delivery: queuedRecord(job, now, transition),
        alertIds: job.alertIds,
      })),
    );
    await this.queue.add(jobs.map((j) => j.job));
    if (entries.length > 0)
      await this.redis.xack(this.n.live, this.n.notifyGroup, ...entries.map((e) => e[0]));
    for (const [id, severity] of told) this.incidents.set(id, severity);
    if (messages.length > 0) this.o.onQueued?.(messages.length, jobs.length);
  }

  private jobsOf(
    m: Message,
  ): Array<{ job: DeliveryJob; transition: Message['items'][0]['transition']['type'] }> {
    const r = m.recipient;
    const first = m.items[0];
    const ackUrl =
      m.items.length === 1
        ? ackLink(this.o.linkBase, this.o.linkSecret, {
            alertId: first.alert.id,
            step: r.step,
            index: r.index,
            contact: r.contact,
          })
        : undefined;
    const rendered = renderMessage(m, ackUrl);
    return r.channels.map((channel: NotifyChannel) => {
      const to =
        channel === 'sms' ? r.contact.mobile! : channel === 'email' ? r.contact.email! : personKey(r.contact);
      const id = createHash('sha256').update(`${m.key}|${channel}`).digest('hex').slice(0, 24);
      return {
        transition: first.transition.type,
        job: {
          id,
          channel,
          to,
          contact: r.contact,
          level: r.level,
          unit: r.unit,
          severity: first.alert.severity,
          alertIds: m.items.slice(0, 1000).map((i) => i.alert.id),
          rendered: { ...rendered, ...(ackUrl ? { ackUrl } : {}) },
        },
      };
    });
  }
}
