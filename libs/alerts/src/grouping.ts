import type { Alert, Incident, IncidentDimension } from '@lg/contracts';

/**
 * Grouping of alerts into incidents: pure decisions, no I/O. The worker asks them when an alert opens
 * (rare: never per reading) and commits the answer with a compare-and-set in Redis (`IncidentStore`).
 */

/** How alerts are grouped (the worker's `INCIDENT_*` settings). */
export interface GroupingConfig {
  /** The dimensions that make alerts one incident, e.g. `['rule', 'owner']`. Empty: no grouping. */
  keys: readonly IncidentDimension[];
  /** An alert joins an incident when it opens within this long after the incident's latest member, ms. */
  windowMs: number;
  /** …and within this long after the incident opened, so that a chattering cause cannot keep one incident forever, ms. */
  maxSpanMs: number;
}

export const DEFAULT_GROUPING: GroupingConfig = {
  keys: ['rule', 'owner'],
  windowMs: 10 * 60_000,
  maxSpanMs: 60 * 60_000,
};

/** What the grouping knows of an alert: the alert, and its fixed device's street (trucks have none). */
export interface GroupingSubject {
  alert: Pick<Alert, 'id' | 'rule' | 'kind' | 'owner' | 'openedAt'>;
  street?: string;
}

/**
 * The grouping key of an alert, or null when it is not grouped (no dimensions configured, or a street asked
 * for a device that has none). A truck alert's key always holds its owner: an incident never mixes two
 * transport companies, so each company's users can be shown their incidents whole.
 */
export function groupingKey(subject: GroupingSubject, keys: readonly IncidentDimension[]): string | null {
  if (keys.length === 0) return null;
  const dims = new Set(keys);
  if (subject.alert.kind === 'truck') dims.add('owner');
  const parts: string[] = [];
  // A fixed order, whatever the setting's: `owner,rule` and `rule,owner` are one key.
  for (const d of ['rule', 'kind', 'owner', 'street'] as const) {
    if (!dims.has(d)) continue;
    const value =
      d === 'street' ? subject.street : d === 'rule' ? causeOf(subject.alert.rule) : subject.alert[d];
    if (value === undefined) return null;
    parts.push(`${d}=${value}`);
  }
  return parts.join('|');
}

/**
 * What a rule says about the cause, for grouping: the two offline rules (`device.offline`, and
 * `truck.offline` for a truck that fell silent while driving) are one cause, a silence, so that fifty
 * trucks going silent together make one incident rather than one per rule.
 */
export function causeOf(rule: string): string {
  return rule === 'device.offline' || rule === 'truck.offline' ? 'offline' : rule;
}

/** The incident a key currently gathers into (the head kept per key), as stored. */
export type IncidentHead = Incident;

/**
 * Where an opening alert goes: into the key's current incident when it opened within the window of its
 * latest member and the incident, first to last, spans no more than `maxSpanMs`; else into a new incident
 * named after the key and the alert's opening time (deterministic: a replay after a crash names the same
 * incident). An alert evaluated late, opened a little before the incident's first member, joins as well.
 */
export function placeInIncident(
  head: IncidentHead | undefined,
  subject: GroupingSubject,
  key: string,
  config: GroupingConfig,
): IncidentHead {
  const at = Date.parse(subject.alert.openedAt);
  const { alert, street } = subject;
  if (head && head.key === key) {
    const last = Date.parse(head.lastAt);
    const first = Date.parse(head.openedAt);
    const within = at >= first - config.windowMs && at <= last + config.windowMs;
    if (within && Math.max(at, last) - Math.min(at, first) <= config.maxSpanMs) {
      return {
        ...head,
        ...(head.rule !== alert.rule ? { rule: undefined } : {}),
        ...(head.kind !== alert.kind ? { kind: undefined } : {}),
        ...(head.owner !== alert.owner ? { owner: undefined } : {}),
        ...(head.street !== street ? { street: undefined } : {}),
        openedAt: at < first ? subject.alert.openedAt : head.openedAt,
        lastAt: at > last ? subject.alert.openedAt : head.lastAt,
        size: head.size + 1,
      };
    }
  }
  return {
    id: incidentId(key, at),
    key,
    rule: alert.rule,
    kind: alert.kind,
    owner: alert.owner,
    ...(street !== undefined ? { street } : {}),
    openedAt: subject.alert.openedAt,
    lastAt: subject.alert.openedAt,
    size: 1,
  };
}

/**
 * An incident's ID: `i~`, the key's values and the base-36 opening time (`i~truck.offline~C01~mbq3k0`),
 * characters safe in a URL path.
 */
export function incidentId(key: string, openedAtMs: number): string {
  const values = key.split('|').map((part) => part.slice(part.indexOf('=') + 1));
  return ['i', ...values, openedAtMs.toString(36)].join('~');
}

/** Drops the fields a join left undefined, so that the stored JSON has none. */
export function compactIncident(i: Incident): Incident {
  return Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined)) as unknown as Incident;
}

/** Reads a `INCIDENT_GROUP_KEYS` setting: a comma list of dimensions, or `none`. */
export function parseGroupingKeys(text: string): IncidentDimension[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === 'none') return [];
  const allowed = ['rule', 'owner', 'kind', 'street'];
  const keys = trimmed.split(',').map((k) => k.trim());
  for (const k of keys) {
    if (!allowed.includes(k))
      throw new Error(`unknown grouping key "${k}" (one of ${allowed.join(', ')}, or none)`);
  }
  return [...new Set(keys)] as IncidentDimension[];
}
