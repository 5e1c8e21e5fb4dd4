import type Redis from 'ioredis';
import type {
  Acknowledgement,
  Alert,
  AlertTransition,
  DeviceKind,
  LiveRecord,
  Names,
  Severity,
} from '@lg/contracts';
import { isOpen, SEVERITIES, severityRank } from '@lg/contracts';
import type { FencedBatch } from '@lg/redis';
import { acknowledge, type AckScope } from './lifecycle';

/**
 * Alerts in Redis. Each alert is a hash with these fields so that the worker and the gateways never
 * overwrite each other: `doc` (the alert as the rules see it, written by the partition's worker only),
 * `active` ('1'/'0', for scripts), `ack` (who took it, written once by a gateway) and `cack` (a company's
 * taking of its red truck alert, which is not the command centre's, written once by a gateway). Only the
 * worker removes `ack` and `cack`, when a raise or a reopening means the alert must be taken again.
 * Indexes: a sorted set of every alert by opening time and a set of the open ones. Every transition is
 * appended to the live stream, which gateways push to dashboards and ingest stores in InfluxDB as
 * `alert_event`.
 */
interface AckFields {
  ackedAt: string;
  ackedBy: string;
  note?: string;
}

export interface AlertFilter {
  active?: boolean;
  acknowledged?: boolean;
  kind?: DeviceKind;
  owner?: string;
  /** Only these owners (a company user's scope). */
  owners?: ReadonlySet<string>;
  severity?: Severity;
  device?: string;
  /** Opened at or after, epoch ms. */
  since?: number;
  limit?: number;
}

export class AlertNotFoundError extends Error {
  constructor(id: string) {
    super(`alert ${id} not found`);
    this.name = 'AlertNotFoundError';
  }
}

/**
 * The alert was raised or reopened while it was being acknowledged: the person took what it was before, not
 * what it is now. Nothing was written; they must look at it again.
 */
export class AlertChangedError extends Error {
  constructor(
    id: string,
    readonly alert: Alert,
  ) {
    super(
      `alert ${id} was raised or reopened (now ${alert.severity}) while it was being acknowledged; ` +
        'look at it again and acknowledge what it is now',
    );
    this.name = 'AlertChangedError';
  }
}

/**
 * Writes an acknowledgement (`ack`) or a company's taking (`cack`, ARGV[6]) only if the worker has not
 * changed the alert since the gateway read it (`doc` compared): an acknowledgement always answers the alert
 * as the person saw it, never a raise that came in between.
 */
const ACK_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'MISSING' end
if redis.call('HEXISTS', KEYS[1], 'ack') == 1 then return 'ALREADY' end
if redis.call('HEXISTS', KEYS[1], ARGV[6]) == 1 then return 'ALREADY' end
if redis.call('HGET', KEYS[1], 'doc') ~= ARGV[1] then return 'RETRY' end
redis.call('HSET', KEYS[1], ARGV[6], ARGV[2])
if ARGV[6] == 'ack' and redis.call('HGET', KEYS[1], 'active') == '0' then redis.call('SREM', KEYS[2], ARGV[3]) end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'j', ARGV[5])
return 'OK'
`;

export const LIVE_STREAM_MAXLEN = 200_000;

export function mergeAlert(doc: string, ack: string | null | undefined, cack?: string | null): Alert {
  let alert = JSON.parse(doc) as Alert;
  if (cack) {
    const companyAck = JSON.parse(cack) as Acknowledgement;
    alert = {
      ...alert,
      companyAck,
      updatedAt: companyAck.at > alert.updatedAt ? companyAck.at : alert.updatedAt,
    };
  }
  if (!ack) return alert;
  const a = JSON.parse(ack) as AckFields;
  return {
    ...alert,
    acknowledged: true,
    ackedAt: a.ackedAt,
    ackedBy: a.ackedBy,
    ...(a.note !== undefined ? { note: a.note } : {}),
    updatedAt: a.ackedAt > alert.updatedAt ? a.ackedAt : alert.updatedAt,
  };
}

function matches(a: Alert, f: AlertFilter): boolean {
  if (f.active !== undefined && a.active !== f.active) return false;
  if (f.acknowledged !== undefined && a.acknowledged !== f.acknowledged) return false;
  if (f.kind && a.kind !== f.kind) return false;
  if (f.owner && a.owner !== f.owner) return false;
  if (f.owners && !f.owners.has(a.owner)) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.device && a.device !== f.device) return false;
  return true;
}

export class AlertStore {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
  ) {}

  /** The stored alerts with these IDs (missing ones left out), as `[id, alert]` pairs. */
  async getMany(ids: readonly string[]): Promise<Map<string, Alert>> {
    const out = new Map<string, Alert>();
    if (ids.length === 0) return out;
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hmget(this.n.alert(id), 'doc', 'ack', 'cack');
    const results = (await pipe.exec()) ?? [];
    results.forEach(([err, value], i) => {
      if (err) throw err;
      const [doc, ack, cack] = value as [string | null, string | null, string | null];
      if (doc) out.set(ids[i], mergeAlert(doc, ack, cack));
    });
    return out;
  }

  async get(id: string): Promise<Alert | undefined> {
    return (await this.getMany([id])).get(id);
  }

  async open(filter: AlertFilter = {}): Promise<Alert[]> {
    const ids = await this.redis.smembers(this.n.openAlerts);
    const alerts = [...(await this.getMany(ids)).values()].filter((a) => matches(a, filter));
    return alerts.sort(byNewest);
  }

  /** Alerts newest first. Open-alert queries read the open set; others walk the index by opening time. */
  async list(filter: AlertFilter): Promise<Alert[]> {
    const limit = filter.limit ?? 100;
    if (filter.active === true || (filter.acknowledged === false && filter.since === undefined)) {
      return (await this.open(filter))
        .filter((a) => !filter.since || Date.parse(a.openedAt) >= filter.since)
        .slice(0, limit);
    }
    const out: Alert[] = [];
    const page = Math.max(limit * 2, 200);
    let max = '+inf';
    const min = filter.since !== undefined ? String(filter.since) : '-inf';
    for (;;) {
      const ids = await this.redis.zrevrangebyscore(this.n.alertIndex, max, min, 'LIMIT', 0, page);
      if (ids.length === 0) break;
      const alerts = await this.getMany(ids);
      for (const id of ids) {
        const a = alerts.get(id);
        if (a && matches(a, filter)) out.push(a);
        if (out.length >= limit) return out;
      }
      if (ids.length < page) break;
      const last = alerts.get(ids[ids.length - 1]);
      if (!last) break;
      max = `(${Date.parse(last.openedAt)}`;
    }
    return out;
  }

  /**
   * Acknowledges an alert and publishes the transition. Idempotent: acknowledging an acknowledged alert
   * returns it unchanged. `scope` says who takes it (a company's user takes a red alert only for its
   * company, see {@link acknowledge}).
   *
   * @param seenSeverity the severity the person saw, when the client says so
   * @throws AlertChangedError when the alert is above `seenSeverity`, or was raised or reopened between the
   *   first read and the write: the person acknowledged what they saw, and what it has become must be seen
   *   before it is taken.
   */
  async acknowledge(
    id: string,
    by: string,
    note: string | undefined,
    nowMs: number,
    scope: AckScope = 'district',
    seenSeverity?: Severity,
  ): Promise<Alert> {
    let seen: (Pick<Alert, 'severity'> & Partial<Pick<Alert, 'count'>>) | undefined =
      seenSeverity !== undefined ? { severity: seenSeverity } : undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      const [doc, ack, cack] = await this.redis.hmget(this.n.alert(id), 'doc', 'ack', 'cack');
      if (!doc) throw new AlertNotFoundError(id);
      const current = mergeAlert(doc, ack, cack);
      if (seen && wasRaised(seen, current)) throw new AlertChangedError(id, current);
      if (seen?.count === undefined)
        seen = { severity: seen?.severity ?? current.severity, count: current.count };
      const result = acknowledge(current, by, note, nowMs, scope);
      if (!result) return current;
      const field = result.alert.acknowledged ? 'ack' : 'cack';
      const ackFields: AckFields | Acknowledgement = result.alert.acknowledged
        ? { ackedAt: result.alert.ackedAt!, ackedBy: by, ...(note !== undefined ? { note } : {}) }
        : result.alert.companyAck!;
      const live: LiveRecord = { t: 'alert', alert: result.alert, transition: result.transition };
      const outcome = await this.redis.eval(
        ACK_SCRIPT,
        3,
        this.n.alert(id),
        this.n.openAlerts,
        this.n.live,
        doc,
        JSON.stringify(ackFields),
        id,
        String(LIVE_STREAM_MAXLEN),
        JSON.stringify(live),
        field,
      );
      if (outcome === 'OK') return result.alert;
      if (outcome === 'MISSING') throw new AlertNotFoundError(id);
      // ALREADY: someone else took it first; RETRY: the worker changed it meanwhile. Read again.
    }
    throw new Error(`alert ${id} kept changing while being acknowledged; try again`);
  }

  /**
   * Adds the writes of one rule-driven transition to a fenced batch (worker side). The batch commits only
   * if nobody acknowledged (or, for a company, took) the alert since the worker read it, so that a
   * transition (an escalation above all) never goes out on `/live` without an acknowledgement that went
   * out before it. A raise or a reopening removes what it cleared (`clearedAck`, `clearedCompanyAck`), and
   * only what the worker saw: an acknowledgement written meanwhile fails the batch, which is read again
   * and clears it with its name in the transition, never silently.
   */
  stage(batch: FencedBatch, alert: Alert, transition: AlertTransition, isNew: boolean): void {
    const { acknowledged: _a, ackedAt: _t, ackedBy: _b, note: _n, companyAck: _c, ...doc } = alert;
    const key = this.n.alert(alert.id);
    batch.expectField(key, 'ack', alert.acknowledged || transition.clearedAck !== undefined);
    batch.expectField(
      key,
      'cack',
      alert.companyAck !== undefined || transition.clearedCompanyAck !== undefined,
    );
    if (transition.clearedAck || transition.clearedCompanyAck) batch.add('HDEL', key, 'ack', 'cack');
    batch.add(
      'HSET',
      key,
      'doc',
      JSON.stringify({ ...doc, acknowledged: false }),
      'active',
      alert.active ? '1' : '0',
    );
    if (isNew) batch.add('ZADD', this.n.alertIndex, String(Date.parse(alert.openedAt)), alert.id);
    if (isOpen(alert)) batch.add('SADD', this.n.openAlerts, alert.id);
    else batch.add('SREM', this.n.openAlerts, alert.id);
    const live: LiveRecord = { t: 'alert', alert, transition };
    batch.add('XADD', this.n.live, 'MAXLEN', '~', String(LIVE_STREAM_MAXLEN), '*', 'j', JSON.stringify(live));
  }
}

/** Whether an alert was raised or reopened (or both) from what a person saw. */
function wasRaised(seen: Pick<Alert, 'severity'> & Partial<Pick<Alert, 'count'>>, now: Alert): boolean {
  return (
    severityRank(now.severity) > severityRank(seen.severity) ||
    (seen.count !== undefined && now.count > seen.count)
  );
}

/** Newest first, as the contract lists alerts; ties (same opening time) by severity, red first. */
function byNewest(a: Alert, b: Alert): number {
  if (a.openedAt !== b.openedAt) return a.openedAt < b.openedAt ? 1 : -1;
  return SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity);
}
