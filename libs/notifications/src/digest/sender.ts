import { createHash } from 'node:crypto';
import type { DutyContact, Names, NotifyChannel, Severity } from '@lg/contracts';
import { SEVERITIES } from '@lg/contracts';
import type { DeliveryStore } from '../deliveries';
import { queuedRecord, type DeliveryJob, type DeliveryQueue } from '../delivery-queue';
import type { Digest } from './digest';
import type { LocalDay } from './days';
import { renderDigest } from './render';
import type { DigestReader, ResolvedScope } from './scopes';

export type DigestChannel = Extract<NotifyChannel, 'email' | 'webhook'>;

export interface DigestSenderOptions {
  /** Channels digests go by, among those switched on. */
  channels: readonly DigestChannel[];
}

/** The worst severity of the day's alerts (blue when none): a digest's delivery priority and its record. */
function worstOf(d: Digest): Severity {
  return [...SEVERITIES].reverse().find((s) => d.alerts.bySeverity[s] > 0) ?? 'blue';
}

/**
 * Sends one scope's digest of one day: e-mail to each duty contact with an address, one webhook message
 * for the scope. Deliveries go through the notification queue (retries, never twice, states), their IDs
 * derived from the run, scope, day, channel and person: the schedule's run of a day queues the same IDs
 * however often it is retried; an operator's send (its own run ID) goes again.
 */
export class DigestSender {
  constructor(
    private readonly n: Names,
    private readonly reader: DigestReader,
    private readonly store: DeliveryStore,
    private readonly queue: DeliveryQueue,
    private readonly o: DigestSenderOptions,
  ) {}

  async send(
    r: ResolvedScope,
    day: LocalDay,
    now: number,
    run: string,
  ): Promise<{ digest: Digest; deliveries: number }> {
    const digest = await this.reader.build(r, day, now);
    const rendered = renderDigest(digest, undefined);
    const severity = worstOf(digest);
    const level = r.scope.kind === 'company' ? ('company' as const) : ('street' as const);
    const jobs: DeliveryJob[] = [];
    const id = (channel: DigestChannel, who: string) =>
      createHash('sha256')
        .update(`digest|${run}|${r.scope.id}|${day.date}|${channel}|${who}`)
        .digest('hex')
        .slice(0, 24);
    const base = {
      level,
      unit: r.scope.id,
      severity,
      alertIds: [],
      rendered,
      digest: { scope: r.scope.id, date: day.date },
    };
    if (this.o.channels.includes('email')) {
      const seen = new Set<string>();
      for (const contact of r.contacts) {
        if (!contact.email || seen.has(contact.email)) continue;
        seen.add(contact.email);
        jobs.push({ ...base, id: id('email', contact.email), channel: 'email', to: contact.email, contact });
      }
    }
    if (this.o.channels.includes('webhook')) {
      // One message for the scope (a group robot or a receiving system), not one per person.
      const contact: DutyContact = { name: `${r.scope.name}值班`, phone: '' };
      jobs.push({ ...base, id: id('webhook', r.scope.id), channel: 'webhook', to: r.scope.id, contact });
    }
    const at = new Date(now).toISOString();
    await this.store.recordQueued(
      jobs.map((job) => ({
        delivery: queuedRecord(job, at, 'digest'),
        alertIds: [],
        lists: [this.n.digestDeliveries(r.scope.id, day.date)],
      })),
    );
    await this.queue.add(jobs);
    return { digest, deliveries: jobs.length };
  }
}
