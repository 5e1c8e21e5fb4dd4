import type Redis from 'ioredis';
import type {
  Acknowledgement,
  Alert,
  AlertIndexState,
  AlertTransition,
  DeviceKind,
  LiveRecord,
  Names,
  Severity,
  Shelf,
} from '@lg/contracts';
import { isOpen, SEVERITIES, severityRank } from '@lg/contracts';
import { liveAppendArgs, LIVE_STREAM_MAXLEN, type FencedBatch } from '@lg/redis';
import { acknowledge, type AckScope } from './lifecycle';
import { isQuietClose } from './inhibition';

/**
 * Alerts in Redis. Each alert is a hash with these fields so that the worker and the gateways never
 * overwrite each other: `doc` (the alert as the rules see it, written by the partition's worker only),
 * `active` ('1'/'0', for scripts), `ack` (who took it, written once by a gateway) and `cack` (a company's
 * taking of its red truck alert, which is not the command centre's, written once by a gateway). Only the
 * worker removes `ack` and `cack`, when a raise or a reopening means the alert must be taken again.
 * Indexes: a sorted set of every alert by opening time and a set of the open ones. Every transition is
 * appended to the live stream, which gateways push to dashboards and ingest stores in InfluxDB as
 * `alert_event`.
 *
 * Listings read the narrowest index that holds what they ask for (see `Names.alertsOf`): per owner, per
 * state (active/inactive), per owner and state, written by the worker with each transition; so a company's
 * listing or a listing of cleared alerts reads its own part, not every alert of every tenant. Closed alerts
 * (inactive and acknowledged by the command centre) are deleted from Redis after a retention
 * (`trimClosed`); their history stays in InfluxDB (`alert_event`).
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
  /**
   * Held under a cause (`inhibitedBy` set: shown under the cause, never raised to people) or not held
   * (docs/rules.md, "Inhibition").
   */
  held?: boolean;
  /** Held under this cause ID (`link:C01`, `gateway:S24-GW`, `platform:ingest`). */
  cause?: string;
  /** Opened at or after, epoch ms. */
  since?: number;
  /** Opened before, epoch ms (a past day's alerts without walking the newer ones). */
  before?: number;
  limit?: number;
}

/** The fields of an alert's hash that make the alert, in {@link mergeAlert}'s order. */
export const ALERT_FIELDS = ['doc', 'ack', 'cack', 'shelf', 'shelfoff'] as const;

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
 * as the person saw it, never a raise that came in between. KEYS and ARGV[1-2] as `writeTransition`; ARGV:
 * doc read, acknowledgement JSON, ID, field.
 */
const ACK_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'MISSING' end
if redis.call('HEXISTS', KEYS[1], 'ack') == 1 then return 'ALREADY' end
if redis.call('HEXISTS', KEYS[1], ARGV[6]) == 1 then return 'ALREADY' end
if redis.call('HGET', KEYS[1], 'doc') ~= ARGV[3] then return 'RETRY' end
redis.call('HSET', KEYS[1], ARGV[6], ARGV[4])
if ARGV[6] == 'ack' and redis.call('HGET', KEYS[1], 'active') == '0' then redis.call('SREM', KEYS[2], ARGV[5]) end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], '*', 'j', ARGV[2])
return 'OK'
`;

/**
 * Deletes a closed alert and its index entries, only if it is still inactive, acknowledged and as it was
 * read (the worker never changes a closed alert, but a check costs nothing and keeps this safe whatever
 * the lifecycle becomes). KEYS: the alert, then sorted-set indexes, then the open set (last).
 */
const TRIM_SCRIPT = `
if redis.call('HGET', KEYS[1], 'active') ~= '0' then return 0 end
if redis.call('HEXISTS', KEYS[1], 'ack') == 0 then return 0 end
if redis.call('HGET', KEYS[1], 'doc') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for i = 2, #KEYS - 1 do redis.call('ZREM', KEYS[i], ARGV[2]) end
redis.call('SREM', KEYS[#KEYS], ARGV[2])
return 1
`;

/** What one pass of the retention did. */
export interface TrimOutcome {
  /** Cleared alerts looked at (those cleared before the cutoff, oldest first). */
  examined: number;
  deleted: number;
  /**
   * Where the next pass goes on (its `startAt`): 0 once this one reached the end. So that many cleared
   * alerts nobody acknowledged cannot keep every pass from reaching the closed ones behind them.
   */
  next: number;
  /** Did it reach the last alert cleared before the cutoff? */
  done: boolean;
}

/**
 * May this alert leave Redis? Only a closed one — inactive and acknowledged — that cleared and was
 * acknowledged before `cutoffMs`. An active or unacknowledged alert never is, however old.
 */
export function closedBefore(alert: Alert, cutoffMs: number): boolean {
  if (alert.active || !alert.acknowledged || !alert.clearedAt || !alert.ackedAt) return false;
  return Date.parse(alert.clearedAt) < cutoffMs && Date.parse(alert.ackedAt) < cutoffMs;
}

export function mergeAlert(
  doc: string,
  ack: string | null | undefined,
  cack?: string | null,
  shelf?: string | null,
  shelfOff?: string | null,
): Alert {
  let alert = JSON.parse(doc) as Alert;
  // The shelf is the gateway's field (`shelf`), like `ack`: the worker's `doc` never holds one. Shelving
  // and unshelving (`shelfoff`, when) count as changes, so that screens keep the copy that follows them.
  if (shelf) {
    const s = JSON.parse(shelf) as Shelf;
    alert = { ...alert, shelf: s, updatedAt: s.at > alert.updatedAt ? s.at : alert.updatedAt };
  }
  if (shelfOff && shelfOff > alert.updatedAt) alert = { ...alert, updatedAt: shelfOff };
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

/** Does the alert pass the filter? Everything but `since` and `limit`, which bound the index walk. */
export function matchesFilter(a: Alert, f: AlertFilter): boolean {
  if (f.active !== undefined && a.active !== f.active) return false;
  if (f.acknowledged !== undefined && a.acknowledged !== f.acknowledged) return false;
  if (f.kind && a.kind !== f.kind) return false;
  if (f.owner && a.owner !== f.owner) return false;
  if (f.owners && !f.owners.has(a.owner)) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.device && a.device !== f.device) return false;
  if (f.held !== undefined && (a.inhibitedBy !== undefined) !== f.held) return false;
  if (f.cause !== undefined && a.inhibitedBy !== f.cause) return false;
  if (f.before !== undefined && Date.parse(a.openedAt) >= f.before) return false;
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
    for (const id of ids) pipe.hmget(this.n.alert(id), ...ALERT_FIELDS);
    const results = (await pipe.exec()) ?? [];
    results.forEach(([err, value], i) => {
      if (err) throw err;
      const [doc, ack, cack, shelf, shelfOff] = value as (string | null)[];
      if (doc) out.set(ids[i], mergeAlert(doc, ack, cack, shelf, shelfOff));
    });
    return out;
  }

  async get(id: string): Promise<Alert | undefined> {
    return (await this.getMany([id])).get(id);
  }

  /**
   * An alert as stored, for a compare-and-write: the alert, its `doc` (what the write scripts compare)
   * and its shelf as written. @throws AlertNotFoundError when there is none.
   */
  async stored(id: string): Promise<{ alert: Alert; doc: string; shelf: string | null }> {
    const [doc, ack, cack, shelf, shelfOff] = await this.redis.hmget(this.n.alert(id), ...ALERT_FIELDS);
    if (!doc) throw new AlertNotFoundError(id);
    return { alert: mergeAlert(doc, ack, cack, shelf, shelfOff), doc, shelf };
  }

  /**
   * Runs a gateway's compare-and-write script on one alert, which appends the transition to the live stream
   * when it writes. KEYS: the alert, `index`, the live stream; ARGV: the stream's length bound, the live
   * record, then `args`. Answers what the script returns.
   */
  writeTransition(
    script: string,
    id: string,
    index: string,
    live: LiveRecord,
    args: readonly string[],
  ): Promise<unknown> {
    return this.redis.eval(
      script,
      3,
      this.n.alert(id),
      index,
      this.n.live,
      String(LIVE_STREAM_MAXLEN),
      JSON.stringify(live),
      ...args,
    );
  }

  /**
   * Open alerts (active, or cleared and not acknowledged), newest first. Scoped to owners, it reads only
   * the open alerts of those owners (the open set intersected with each owner's index: Redis walks the
   * smaller of the two).
   */
  async open(filter: AlertFilter = {}): Promise<Alert[]> {
    let ids: string[];
    if (filter.owners && (await this.indexesReady())) {
      const scoped = await Promise.all(
        [...filter.owners].map((o) => this.redis.zinter(2, this.n.alertsOf(o), this.n.openAlerts)),
      );
      ids = scoped.flat();
    } else {
      ids = await this.redis.smembers(this.n.openAlerts);
    }
    const alerts = [...(await this.getMany(ids)).values()].filter((a) => matchesFilter(a, filter));
    return alerts.sort(byNewest);
  }

  /**
   * Alerts newest first. An unacknowledged listing reads the open set (one entry per rule and device at
   * most), through the owners' indexes when it names owners; every other walks the narrowest index by
   * opening time — the owners' own when the filter names owners, the active or inactive ones when it names
   * a state — a page at a time, until `limit` alerts match.
   */
  async list(filter: AlertFilter): Promise<Alert[]> {
    const limit = filter.limit ?? 100;
    let owners: string[] | undefined = filter.owners ? [...filter.owners] : undefined;
    if (filter.owner !== undefined)
      owners = owners ? owners.filter((o) => o === filter.owner) : [filter.owner];
    if (owners?.length === 0) return [];
    if (
      filter.active === undefined &&
      filter.acknowledged === false &&
      filter.since === undefined &&
      filter.before === undefined
    ) {
      return (await this.open({ ...filter, ...(owners ? { owners: new Set(owners) } : {}) })).slice(0, limit);
    }
    if (!(await this.indexesReady())) return this.walk(this.n.alertIndex, filter, limit);
    const state: AlertIndexState | undefined =
      filter.active === undefined ? undefined : filter.active ? 'active' : 'inactive';
    if (!owners) return this.walk(this.n.alertsOf(undefined, state), filter, limit);
    const lists = await Promise.all(owners.map((o) => this.walk(this.n.alertsOf(o, state), filter, limit)));
    return lists.length === 1 ? lists[0] : lists.flat().sort(byNewest).slice(0, limit);
  }

  /** Newest first, the alerts of one index that match, up to `limit`. */
  private async walk(index: string, filter: AlertFilter, limit: number): Promise<Alert[]> {
    // When the index alone decides (no filter on fields it does not hold), a page of `limit` is enough.
    const narrowed =
      filter.kind === undefined &&
      filter.severity === undefined &&
      filter.device === undefined &&
      filter.acknowledged === undefined &&
      filter.held === undefined &&
      filter.cause === undefined;
    const page = narrowed ? limit : Math.min(Math.max(limit * 2, 100), 2000);
    const min = filter.since !== undefined ? String(filter.since) : '-inf';
    const max = filter.before !== undefined ? `(${filter.before}` : '+inf';
    const out: Alert[] = [];
    const seen = new Set<string>();
    for (let offset = 0; ;) {
      const ids = await this.redis.zrevrangebyscore(index, max, min, 'LIMIT', offset, page);
      if (ids.length === 0) break;
      // An alert opened meanwhile shifts the page: skip what was already read.
      const fresh = ids.filter((id) => !seen.has(id));
      const alerts = await this.getMany(fresh);
      for (const id of fresh) {
        seen.add(id);
        const a = alerts.get(id);
        if (a && matchesFilter(a, filter)) out.push(a);
        if (out.length >= limit) return out.sort(byNewest);
      }
      if (ids.length < page) break;
      offset += ids.length;
    }
    return out.sort(byNewest);
  }

  private indexesBuilt = false;

  /** Are the per-owner and per-state indexes complete (built by `buildIndexes`)? Cached once true. */
  private async indexesReady(): Promise<boolean> {
    if (!this.indexesBuilt) this.indexesBuilt = (await this.redis.exists(this.n.alertIndexesBuilt)) === 1;
    return this.indexesBuilt;
  }

  /**
   * Puts alerts written before the per-owner and per-state indexes existed into them, once (a flag marks
   * it done); until then listings walk the index of every alert. Returns the alerts indexed. An alert that
   * changes state while this runs may be left in both state indexes: listings check each alert's state
   * anyway, so that costs a look, never a wrong answer.
   */
  async buildIndexes(batch = 500): Promise<number> {
    if ((await this.redis.exists(this.n.alertIndexesBuilt)) === 1) return 0;
    let count = 0;
    for (let offset = 0; ; offset += batch) {
      const ids = await this.redis.zrange(this.n.alertIndex, offset, offset + batch - 1);
      if (ids.length === 0) break;
      const alerts = await this.getMany(ids);
      const pipe = this.redis.pipeline();
      for (const a of alerts.values()) {
        const opened = Date.parse(a.openedAt);
        const state: AlertIndexState = a.active ? 'active' : 'inactive';
        pipe.zadd(this.n.alertsOf(a.owner), opened, a.id);
        pipe.zadd(this.n.alertsOf(undefined, state), opened, a.id);
        pipe.zadd(this.n.alertsOf(a.owner, state), opened, a.id);
        if (!a.active) pipe.zadd(this.n.clearedAlerts, Date.parse(a.clearedAt ?? a.updatedAt), a.id);
      }
      await pipe.exec();
      count += alerts.size;
      if (ids.length < batch) break;
    }
    await this.redis.set(this.n.alertIndexesBuilt, new Date().toISOString());
    this.indexesBuilt = true;
    return count;
  }

  /**
   * The retention of closed alerts: deletes from Redis every alert that is inactive and acknowledged and
   * has been so since before `cutoffMs`, looking at no more than `maxExamined` of the alerts that cleared
   * before it (oldest first), from position `startAt` among them. Cleared alerts nobody acknowledged stay,
   * and are stepped over.
   */
  async trimClosed(cutoffMs: number, maxExamined = 2000, startAt = 0): Promise<TrimOutcome> {
    const outcome: TrimOutcome = { examined: 0, deleted: 0, next: 0, done: false };
    // Alerts that stay (cleared, not acknowledged) are stepped over by position: `kept` of them precede
    // the next one to look at.
    let kept = startAt;
    for (;;) {
      if (outcome.examined >= maxExamined) {
        outcome.next = kept;
        break;
      }
      const size = Math.min(500, maxExamined - outcome.examined);
      const ids = await this.redis.zrangebyscore(
        this.n.clearedAlerts,
        '-inf',
        `(${cutoffMs}`,
        'LIMIT',
        kept,
        size,
      );
      if (ids.length === 0) {
        outcome.done = true;
        break;
      }
      outcome.examined += ids.length;
      const pipe = this.redis.pipeline();
      for (const id of ids) pipe.hmget(this.n.alert(id), 'doc', 'ack');
      const read = (await pipe.exec()) ?? [];
      const trims = this.redis.pipeline();
      /** Per command of `trims`: a trim script (true) or the removal of a vanished alert's entry. */
      const scripts: boolean[] = [];
      ids.forEach((id, i) => {
        const [err, value] = read[i];
        if (err) throw err;
        const [doc, ack] = value as [string | null, string | null];
        if (!doc) {
          // Deleted by another gateway's pass meanwhile.
          trims.zrem(this.n.clearedAlerts, id);
          scripts.push(false);
          return;
        }
        const alert = mergeAlert(doc, ack);
        if (!closedBefore(alert, cutoffMs)) {
          kept++;
          return;
        }
        trims.eval(
          TRIM_SCRIPT,
          9,
          this.n.alert(id),
          this.n.alertIndex,
          this.n.alertsOf(alert.owner),
          this.n.alertsOf(alert.owner, 'active'),
          this.n.alertsOf(alert.owner, 'inactive'),
          this.n.alertsOf(undefined, 'active'),
          this.n.alertsOf(undefined, 'inactive'),
          this.n.clearedAlerts,
          this.n.openAlerts,
          doc,
          id,
        );
        scripts.push(true);
      });
      if (scripts.length > 0) {
        ((await trims.exec()) ?? []).forEach(([err, value], i) => {
          if (err) throw err;
          if (!scripts[i]) return;
          if (value === 1) outcome.deleted++;
          // 0: it changed since it was read; it stays and is looked at again next pass.
          else kept++;
        });
      }
      if (ids.length < size) {
        outcome.done = true;
        break;
      }
    }
    return outcome;
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
      const { doc, alert: current } = await this.stored(id);
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
      const outcome = await this.writeTransition(ACK_SCRIPT, id, this.n.openAlerts, live, [
        doc,
        JSON.stringify(ackFields),
        id,
        field,
      ]);
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
    const { acknowledged: _a, ackedAt: _t, ackedBy: _b, note: _n, companyAck: _c, shelf: _s, ...doc } = alert;
    const key = this.n.alert(alert.id);
    // Likewise a shelf: a rise above it takes away only the one the worker saw (docs/rules.md, "Shelving").
    batch.expectField(key, 'shelf', alert.shelf !== undefined || transition.clearedShelf !== undefined);
    if (transition.clearedShelf) {
      batch.add('HDEL', key, 'shelf');
      batch.add('ZREM', this.n.shelvedAlerts, alert.id);
    }
    // A held alert that closes quietly is taken by `system` here, in the same write (docs/rules.md,
    // "Inhibition"): nobody had taken it before.
    const quiet = isQuietClose(alert, transition);
    batch.expectField(key, 'ack', (alert.acknowledged && !quiet) || transition.clearedAck !== undefined);
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
    if (quiet) {
      const fields: AckFields = { ackedAt: alert.ackedAt!, ackedBy: alert.ackedBy!, note: alert.note };
      batch.add('HSET', key, 'ack', JSON.stringify(fields));
    }
    if (isNew) batch.add('ZADD', this.n.alertIndex, String(Date.parse(alert.openedAt)), alert.id);
    this.stageIndexes(batch, alert, isNew);
    if (isOpen(alert)) batch.add('SADD', this.n.openAlerts, alert.id);
    else batch.add('SREM', this.n.openAlerts, alert.id);
    const live: LiveRecord = { t: 'alert', alert, transition };
    batch.add('XADD', ...liveAppendArgs(this.n.live, live));
    if (transition.clearedShelf) {
      // The history says plainly that the rise unshelved it.
      const unshelved: AlertTransition = {
        ...transition,
        type: 'unshelved',
        note: `rose to ${alert.severity} above its shelved ${transition.clearedShelf.severity}`,
      };
      batch.add('XADD', ...liveAppendArgs(this.n.live, { t: 'alert', alert, transition: unshelved }));
    }
  }

  /** The per-owner and per-state index entries of an alert after a transition, and its clearing time. */
  private stageIndexes(batch: FencedBatch, alert: Alert, isNew: boolean): void {
    const opened = String(Date.parse(alert.openedAt));
    const [state, other]: AlertIndexState[] = alert.active ? ['active', 'inactive'] : ['inactive', 'active'];
    if (isNew) batch.add('ZADD', this.n.alertsOf(alert.owner), opened, alert.id);
    batch.add('ZADD', this.n.alertsOf(undefined, state), opened, alert.id);
    batch.add('ZREM', this.n.alertsOf(undefined, other), alert.id);
    batch.add('ZADD', this.n.alertsOf(alert.owner, state), opened, alert.id);
    batch.add('ZREM', this.n.alertsOf(alert.owner, other), alert.id);
    if (alert.active) batch.add('ZREM', this.n.clearedAlerts, alert.id);
    else
      batch.add(
        'ZADD',
        this.n.clearedAlerts,
        String(Date.parse(alert.clearedAt ?? alert.updatedAt)),
        alert.id,
      );
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
