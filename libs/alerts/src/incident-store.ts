import type Redis from 'ioredis';
import type { Alert, Incident, IncidentView, LiveRecord, Names } from '@lg/contracts';
import { isOpen, severityRank } from '@lg/contracts';
import type { AlertStore } from './alert-store';
import {
  compactIncident,
  groupingKey,
  placeInIncident,
  type GroupingConfig,
  type GroupingSubject,
} from './grouping';

/**
 * Puts an opening alert into its key's current incident, only if that head is still what the worker read
 * (ARGV[1], empty for none): the grouping decision is made in TypeScript (`placeInIncident`) and committed
 * here, so that workers of several partitions opening alerts of one cause at once gather them into one
 * incident. An alert already placed (a replay after a lost lease) answers its incident and writes nothing.
 * KEYS: the alert, the head, the incident, its members, the index of incidents, the owner's index (or the
 * index again).
 */
const ASSIGN_SCRIPT = `
local placed = redis.call('HGET', KEYS[1], 'inc')
if placed then return {'MEMBER', placed} end
local head = redis.call('GET', KEYS[2]) or ''
if head ~= ARGV[1] then return {'RETRY', head} end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[6])
redis.call('HSET', KEYS[3], 'doc', ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[4])
redis.call('ZADD', KEYS[5], ARGV[7], ARGV[3])
redis.call('ZADD', KEYS[6], ARGV[7], ARGV[3])
redis.call('HSET', KEYS[1], 'inc', ARGV[3])
return {'OK', ARGV[3]}
`;

/** At most this many members of one incident are read for a view (the counts cover them all up to it). */
export const MAX_INCIDENT_MEMBERS = 2000;

export interface IncidentFilter {
  /** Only these owners (a company user's scope). */
  owners?: ReadonlySet<string>;
  /** Only incidents with at least one open member. */
  open?: boolean;
  /** Only incidents with at least this many members (default 1). */
  minSize?: number;
  limit?: number;
}

/**
 * Incidents in Redis: a hash per incident (`doc`), its members (a sorted set of alert IDs), the head each
 * grouping key gathers into now (a string that expires with the window) and the incidents by latest member,
 * all of them and per owner. The alert's own hash records the incident it joined (`inc`), which makes the
 * assignment idempotent. Members' states are never copied: views count them from the alerts when asked.
 */
export class IncidentStore {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly alerts: AlertStore,
  ) {}

  /**
   * Places an alert that just opened; returns its incident as it is after the alert joined, or null when
   * the alert is not grouped (no key). Called by the worker before it commits the opening, so that the
   * alert and its `opened` transition carry the incident ID.
   */
  async assign(subject: GroupingSubject, config: GroupingConfig): Promise<Incident | null> {
    const key = groupingKey(subject, config.keys);
    if (key === null) return null;
    const alertKey = this.n.alert(subject.alert.id);
    // Lock-free: a lost race means another placement of this key succeeded, so every round makes
    // progress; the bound only stops a runaway (it is far above the partitions that can race).
    for (let attempt = 0; attempt < 1000; attempt++) {
      const raw = (await this.redis.get(this.n.incidentHead(key))) ?? '';
      const head = raw ? (JSON.parse(raw) as Incident) : undefined;
      const next = compactIncident(placeInIncident(head, subject, key, config));
      const doc = JSON.stringify(next);
      const outcome = (await this.redis.eval(
        ASSIGN_SCRIPT,
        6,
        alertKey,
        this.n.incidentHead(key),
        this.n.incident(next.id),
        this.n.incidentMembers(next.id),
        this.n.incidentsOf(undefined),
        next.owner !== undefined && next.owner === subject.alert.owner
          ? this.n.incidentsOf(next.owner)
          : this.n.incidentsOf(undefined),
        raw,
        doc,
        next.id,
        subject.alert.id,
        String(Date.parse(subject.alert.openedAt)),
        String(config.windowMs + config.maxSpanMs),
        String(Date.parse(next.lastAt)),
      )) as [string, string];
      if (outcome[0] === 'OK') return next;
      if (outcome[0] === 'MEMBER') return (await this.get(outcome[1])) ?? null;
      // RETRY: another worker placed an alert of this key meanwhile; decide again on what it wrote.
    }
    throw new Error(`incident of ${subject.alert.id}: the grouping key ${key} kept changing; try again`);
  }

  async get(id: string): Promise<Incident | undefined> {
    const doc = await this.redis.hget(this.n.incident(id), 'doc');
    return doc ? (JSON.parse(doc) as Incident) : undefined;
  }

  /** The member alerts of an incident still kept (closed ones leave with the retention), newest first. */
  async members(id: string): Promise<Alert[]> {
    const ids = await this.redis.zrevrange(this.n.incidentMembers(id), 0, MAX_INCIDENT_MEMBERS - 1);
    return [...(await this.alerts.getMany(ids)).values()];
  }

  /** One incident with its members counted now, and listed when `withAlerts`. */
  async view(id: string, withAlerts = false): Promise<IncidentView | undefined> {
    const incident = await this.get(id);
    if (!incident) return undefined;
    return viewOf(incident, await this.members(id), withAlerts);
  }

  /** Incidents newest first (by latest member), counted now. */
  async list(filter: IncidentFilter = {}): Promise<IncidentView[]> {
    const limit = filter.limit ?? 50;
    const indexes = filter.owners
      ? [...filter.owners].map((o) => this.n.incidentsOf(o))
      : [this.n.incidentsOf(undefined)];
    const out: IncidentView[] = [];
    for (const index of indexes) {
      // Pages of the index until enough match: filters on counts need the members read.
      for (let offset = 0; out.length < limit * indexes.length; offset += 100) {
        const ids = await this.redis.zrevrange(index, offset, offset + 99);
        if (ids.length === 0) break;
        for (const id of ids) {
          const v = await this.view(id);
          if (!v) continue;
          if (filter.open && v.open === 0) continue;
          if (v.size < (filter.minSize ?? 1)) continue;
          out.push(v);
          if (out.length >= limit * indexes.length) break;
        }
        if (ids.length < 100) break;
      }
    }
    return out.sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0)).slice(0, limit);
  }

  /**
   * Deletes incidents whose latest member joined before `cutoffMs` and none of whose members is still
   * kept (the retention of closed alerts deleted them all), looking at no more than `max` of them, oldest
   * first. Returns how many it deleted. An incident with a member still kept stays, however old.
   */
  async trim(cutoffMs: number, max = 500): Promise<number> {
    const ids = await this.redis.zrangebyscore(
      this.n.incidentsOf(undefined),
      '-inf',
      `(${cutoffMs}`,
      'LIMIT',
      0,
      max,
    );
    let deleted = 0;
    for (const id of ids) {
      const [incident, members] = await Promise.all([
        this.get(id),
        this.redis.zrange(this.n.incidentMembers(id), 0, MAX_INCIDENT_MEMBERS - 1),
      ]);
      if ((await this.alerts.getMany(members)).size > 0) continue;
      const pipe = this.redis.multi();
      pipe.del(this.n.incident(id), this.n.incidentMembers(id));
      pipe.zrem(this.n.incidentsOf(undefined), id);
      if (incident?.owner !== undefined) pipe.zrem(this.n.incidentsOf(incident.owner), id);
      await pipe.exec();
      deleted++;
    }
    return deleted;
  }

  /** The live record announcing an incident's change, for the worker's batch. */
  static liveRecord(incident: Incident): LiveRecord {
    return { t: 'incident', incident };
  }
}

/** An incident with its members' states counted (pure). */
export function viewOf(incident: Incident, members: readonly Alert[], withAlerts = false): IncidentView {
  let open = 0;
  let active = 0;
  let unacknowledged = 0;
  let red = 0;
  let top = -1;
  for (const a of members) {
    if (a.active) active++;
    if (!a.acknowledged) unacknowledged++;
    if (!isOpen(a)) continue;
    open++;
    if (a.severity === 'red') red++;
    top = Math.max(top, severityRank(a.severity));
  }
  const severities = ['blue', 'yellow', 'orange', 'red'] as const;
  return {
    ...incident,
    // Counted from the members kept, not the placements: an evaluation that failed after placing its
    // alert and ran again at a later clock time placed an alert that was never written.
    size: members.length,
    open,
    active,
    unacknowledged,
    red,
    severity: top >= 0 ? severities[top] : null,
    ...(withAlerts ? { alerts: [...members].sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1)) } : {}),
  };
}
