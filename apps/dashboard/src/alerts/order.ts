import { isOpen, isShelved, severityRank } from '@lg/contracts/alert';
import type { Alert, Severity } from '../types';

export { isOpen };

/**
 * What the alert list shows: `open` (default), only the unacknowledged ones, or closed ones too (shelved
 * alerts left out of all three), or only the shelved ones (`shelved`).
 */
export type AlertStateFilter = 'open' | 'unacked' | 'all' | 'shelved';

export interface AlertFilter {
  kind?: string;
  street?: string;
  company?: string;
  severity?: Severity;
  state: AlertStateFilter;
}

/**
 * The list's order: active alerts first, then by severity (red first), then by age, newest first within
 * a severity so that what just happened is at the top; the ID breaks ties so the order is stable.
 */
export function compareAlerts(a: Alert, b: Alert): number {
  if (a.active !== b.active) return a.active ? -1 : 1;
  const sev = severityRank(b.severity) - severityRank(a.severity);
  if (sev !== 0) return sev;
  if (a.openedAt !== b.openedAt) return a.openedAt < b.openedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Which of two copies of an alert to keep: the later transition; on the same time, the acknowledged one
 * (an acknowledgement and the transition it answers may carry the same `updatedAt`).
 */
export function isNewer(candidate: Alert, known: Alert | undefined): boolean {
  if (!known) return true;
  if (candidate.updatedAt !== known.updatedAt) return candidate.updatedAt > known.updatedAt;
  if (candidate.acknowledged !== known.acknowledged) return candidate.acknowledged;
  return candidate.count >= known.count;
}

export function matches(
  a: Alert,
  f: AlertFilter,
  streetOf: (a: Alert) => string | undefined,
  nowMs = Date.now(),
): boolean {
  // Held alerts are shown under their cause's alert only (docs/dashboard.md, "Held alerts").
  if (a.inhibitedBy !== undefined) return false;
  // Shelved alerts have their own view; a shelf that ended shows the alert again by the clock.
  if ((f.state === 'shelved') !== isShelved(a, nowMs)) return false;
  if (f.state === 'open' && !isOpen(a)) return false;
  if (f.state === 'unacked' && a.acknowledged) return false;
  if (f.kind && a.kind !== f.kind) return false;
  if (f.severity && a.severity !== f.severity) return false;
  if (f.company && !(a.kind === 'truck' && a.owner === f.company)) return false;
  if (f.street && streetOf(a) !== f.street) return false;
  return true;
}

/** The worst open alert's severity per device: what lights a device up on the map. */
export function worstByDevice(alerts: Iterable<Alert>): Map<string, Severity> {
  const worst = new Map<string, Severity>();
  for (const a of alerts) {
    // A held alert does not light its device: its cause's alert stands for it.
    if (!isOpen(a) || a.inhibitedBy !== undefined) continue;
    const known = worst.get(a.device);
    if (!known || severityRank(a.severity) > severityRank(known)) worst.set(a.device, a.severity);
  }
  return worst;
}

/** Open alerts per severity, for the header (held alerts count under their cause, not here). */
export function countOpen(alerts: Iterable<Alert>): Record<Severity, number> {
  const counts: Record<Severity, number> = { red: 0, orange: 0, yellow: 0, blue: 0 };
  for (const a of alerts) if (isOpen(a) && a.inhibitedBy === undefined) counts[a.severity]++;
  return counts;
}

/**
 * Whether whoever looks at it has taken the alert: the command centre's acknowledgement for everyone; for a
 * company's user also its company's taking of a red alert (`companyAck`), which the district does not count.
 */
export function isTaken(a: Alert, viewer: 'operator' | 'company'): boolean {
  return a.acknowledged || (viewer === 'company' && a.companyAck !== undefined);
}

/**
 * An alert that should sound (and flash): red, active, not shelved (by a second operator's confirmation)
 * and nobody has taken it yet, for this viewer.
 */
export function isAlarming(
  a: Alert,
  viewer: 'operator' | 'company' = 'operator',
  nowMs = Date.now(),
): boolean {
  return a.severity === 'red' && a.active && !isTaken(a, viewer) && !isShelved(a, nowMs);
}
