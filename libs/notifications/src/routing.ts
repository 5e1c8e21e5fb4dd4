import {
  severityRank,
  type Alert,
  type AlertTransition,
  type AlertTransitionType,
  type DutyContact,
  type EscalationLevel,
  type NotifyChannel,
  type Severity,
} from '@lg/contracts';
import type { QuietHours } from './settings';

/** A step of the responsibility chain as routing needs it (the registry's `ChainStep`, narrowed). */
export interface RouteStep {
  level: EscalationLevel;
  unit: { id: string; duty: readonly DutyContact[] };
}

export interface RoutingPolicy {
  /** Least severity notified; red always is. */
  minSeverity: Severity;
  ownerMinSeverity: Readonly<Record<string, Severity>>;
  quietHours: QuietHours | null;
  /** Channels switched on. */
  channels: readonly NotifyChannel[];
}

/** One person to tell of one transition, on these channels. */
export interface Recipient {
  level: EscalationLevel;
  unit: string;
  /** Position of the step in the chain and of the contact in the unit's duty list (the link names them). */
  step: number;
  index: number;
  contact: DutyContact;
  channels: NotifyChannel[];
}

/** Transitions that tell people something they must act on; the others (cleared, lowered, …) send nothing. */
const NOTIFIED: ReadonlySet<AlertTransitionType> = new Set([
  'opened',
  'raised',
  'reopened',
  'escalated',
  // A held alert raised once its cause no longer explains it (docs/rules.md, "Inhibition").
  'released',
]);

/** Minutes since midnight in Asia/Shanghai (UTC+8 all year: China keeps no daylight saving time). */
export function shanghaiMinutes(ms: number): number {
  return Math.floor(ms / 60_000 + 8 * 60) % 1440;
}

export function inQuietHours(q: QuietHours | null, ms: number): boolean {
  if (!q) return false;
  const m = shanghaiMinutes(ms);
  return q.from < q.to ? m >= q.from && m < q.to : m >= q.from || m < q.to;
}

/**
 * Who is told of one alert transition, and how. Pure: the chain comes from the registry, the time from the
 * transition.
 *
 * - Only `opened`, `raised`, `reopened`, `escalated` and `released` notify (never a held alert), and only at or above the least severity
 *   (the owner's, else the platform's); red always.
 * - Red goes to every level the alert has reached, at once: on opening the first level, on each climb the
 *   new level and again every level below it (still nobody took it). Lower severities go to the level
 *   reached only.
 * - Quiet hours hold back SMS and webhooks (which wake people) for blue and yellow: they go by e-mail only.
 *   Orange and red ignore quiet hours.
 * - One message per person per transition: a person listed at two levels (same mobile or e-mail) is told once.
 */
export function route(
  alert: Alert,
  transition: AlertTransition,
  chain: readonly RouteStep[],
  policy: RoutingPolicy,
): Recipient[] {
  if (!NOTIFIED.has(transition.type) || policy.channels.length === 0) return [];
  // Held back under a known cause: nobody is told until it is released.
  if (alert.inhibitedBy !== undefined) return [];
  const min = policy.ownerMinSeverity[alert.owner] ?? policy.minSeverity;
  if (alert.severity !== 'red' && severityRank(alert.severity) < severityRank(min)) return [];
  const reached = chain.findIndex((s) => s.level === alert.escalation.level);
  if (reached < 0) return [];
  const steps = alert.severity === 'red' ? chain.slice(0, reached + 1) : [chain[reached]];
  const quiet =
    (alert.severity === 'blue' || alert.severity === 'yellow') &&
    inQuietHours(policy.quietHours, Date.parse(transition.at));
  const out: Recipient[] = [];
  const seen = new Set<string>();
  for (const step of steps) {
    const stepIndex = chain.indexOf(step);
    step.unit.duty.forEach((contact, index) => {
      const key = personKey(contact);
      if (seen.has(key)) return;
      seen.add(key);
      const channels = policy.channels.filter((ch) => {
        if (quiet && ch !== 'email') return false;
        if (ch === 'sms') return contact.mobile !== undefined;
        if (ch === 'email') return contact.email !== undefined;
        return true;
      });
      if (channels.length > 0)
        out.push({ level: step.level, unit: step.unit.id, step: stepIndex, index, contact, channels });
    });
  }
  return out;
}

/** One person, whichever unit lists them: by mobile, else e-mail, else name and desk phone. */
export function personKey(c: DutyContact): string {
  return c.mobile ?? c.email ?? `${c.name}/${c.phone}`;
}

/** One transition to tell of, with the people routing chose (a live stream entry's worth). */
export interface Routed {
  /** The live stream entry ID: what makes a message's ID the same when the entry is read again. */
  entry: string;
  alert: Alert;
  transition: AlertTransition;
  recipients: Recipient[];
}

/** What one message tells one person: one transition, or a group of many. */
export interface Message {
  /** Stable ID: from the entries it covers and the person, so a re-read entry queues the same message. */
  key: string;
  recipient: Recipient;
  items: Array<{ entry: string; alert: Alert; transition: AlertTransition }>;
  /** The incident whose members this message tells of (docs/notifications.md, "Incidents"). */
  incident?: string;
}

/** Transitions of a member that an incident already told of makes no new message (unless it rises). */
const FOLLOWS_INCIDENT: ReadonlySet<AlertTransitionType> = new Set(['opened', 'reopened', 'raised']);

/**
 * The incidents people were told of, with the highest severity told: bounded (the oldest are forgotten
 * first: forgetting one costs at most one more message, never a lost one).
 */
export class IncidentMemory {
  private readonly told = new Map<string, Severity>();

  constructor(private readonly max = 5000) {}

  get(id: string): Severity | undefined {
    return this.told.get(id);
  }

  set(id: string, severity: Severity): void {
    this.told.delete(id);
    this.told.set(id, severity);
    if (this.told.size > this.max) this.told.delete(this.told.keys().next().value!);
  }
}

/**
 * Notifications follow incidents: a member that opens (reopens, is raised) in an incident people were told
 * of before this gathering sends nothing new, unless it is above the severity they were told of; members
 * gathered together are kept (they become one message naming the incident); a red alert always tells of
 * itself. Pure: returns what is still to be told, and `told`, what to note in the memory once the messages
 * are queued (so that a batch that fails and is read again loses nothing).
 */
export function followIncidents(
  routed: readonly Routed[],
  memory: Pick<IncidentMemory, 'get'>,
): { kept: Routed[]; told: Map<string, Severity> } {
  const kept: Routed[] = [];
  const told = new Map<string, Severity>();
  for (const r of routed) {
    const id = r.alert.incident;
    if (id === undefined || r.alert.severity === 'red' || !FOLLOWS_INCIDENT.has(r.transition.type)) {
      kept.push(r);
      continue;
    }
    const before = memory.get(id);
    if (before !== undefined && severityRank(r.alert.severity) <= severityRank(before)) continue;
    const now = told.get(id);
    if (now === undefined || severityRank(r.alert.severity) > severityRank(now))
      told.set(id, r.alert.severity);
    kept.push(r);
  }
  return { kept, told };
}

/**
 * Groups what was gathered into messages: one per person per transition, unless a person has more than
 * `groupOver` of them, in which case that person gets one message telling of all (a storm of 500 offline
 * trucks is one message per contact, not 500). A grouped message goes by the channels any of its items
 * would use.
 */
export function groupMessages(routed: readonly Routed[], groupOver: number): Message[] {
  const byPerson = new Map<string, Array<{ r: Routed; recipient: Recipient }>>();
  for (const r of routed)
    for (const recipient of r.recipients) {
      const k = personKey(recipient.contact);
      let list = byPerson.get(k);
      if (!list) byPerson.set(k, (list = []));
      list.push({ r, recipient });
    }
  const out: Message[] = [];
  for (const [person, all] of byPerson) {
    // Members of one incident (two or more, none red) gathered together: one message naming the incident.
    const byIncident = new Map<string, Array<{ r: Routed; recipient: Recipient }>>();
    for (const x of all) {
      const id = x.r.alert.incident;
      if (id === undefined || x.r.alert.severity === 'red') continue;
      let members = byIncident.get(id);
      if (!members) byIncident.set(id, (members = []));
      members.push(x);
    }
    const folded = new Set<Routed>();
    for (const [incident, members] of byIncident) {
      if (members.length < 2) continue;
      out.push({ ...combined(members, `|${person}|${incident}`), incident });
      for (const m of members) folded.add(m.r);
    }
    const list = all.filter((x) => !folded.has(x.r));
    if (list.length === 0) continue;
    if (list.length <= groupOver) {
      for (const { r, recipient } of list)
        out.push({
          key: `${r.entry}|${person}`,
          recipient,
          items: [{ entry: r.entry, alert: r.alert, transition: r.transition }],
        });
      continue;
    }
    out.push(combined(list, `|${person}`));
  }
  return out;
}

/** One message of many items: the most severe decides the channels and stands first. */
function combined(list: ReadonlyArray<{ r: Routed; recipient: Recipient }>, suffix: string): Message {
  const sorted = [...list].sort(
    (a, b) => severityRank(b.r.alert.severity) - severityRank(a.r.alert.severity),
  );
  const channels = new Set(list.flatMap((x) => x.recipient.channels));
  return {
    key: `${list[0].r.entry}+${list.length}${suffix}`,
    recipient: { ...sorted[0].recipient, channels: [...channels] },
    items: sorted.map(({ r }) => ({ entry: r.entry, alert: r.alert, transition: r.transition })),
  };
}
