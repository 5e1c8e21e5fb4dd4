import { causeOf } from '@lg/alerts';
import type { Incident, IncidentView } from '@lg/contracts';
import type { Device } from '@lg/registry';
import type { AlertExpectation, IncidentExpectation, Scenario } from './schema';
import type { AlertSummary } from './verdict';

/**
 * The verdict on alarm floods: pure comparisons of what a scenario states about incidents and about alerts
 * that must stay alone with what the run saw on `/live` (alerts, `incident` events, each screen) and in
 * `GET /api/incidents`.
 */

/** An incident as the run found it, for the report. */
export interface IncidentFinding {
  group: string;
  id: string;
  key: string;
  /** Members by its latest `incident` event on `/live` (null: none seen). */
  liveSize: number | null;
  /** As `GET /api/incidents` counts it (null: not listed). */
  listed: Pick<IncidentView, 'size' | 'open' | 'active' | 'unacknowledged'> | null;
  /** Alerts of the group with the incident's cause, as seen. */
  memberAlerts: number;
}

/** An alert stated `alone` or `within`, as it reached the screens. */
export interface AloneFinding {
  rule: string;
  device: string;
  incident?: string;
  /** Screens it reached, of those watched. */
  screens: number;
  watched: number;
  /** The longest time from the publish of the reading that raised it to a screen, ms (null: none reached). */
  latencyMs: number | null;
}

/** What the run saw that the incident checks need. */
export interface FloodObservations {
  alerts: readonly AlertSummary[];
  /** The latest `incident` event per incident ID on `/live`. */
  live: ReadonlyMap<string, Incident>;
  /** `GET /api/incidents` (every incident, open or not, of one member or more). */
  listed: readonly IncidentView[];
}

export function compareIncidents(
  expected: readonly IncidentExpectation[],
  scenario: Pick<Scenario, 'groups'>,
  groups: Readonly<Record<string, readonly Device[]>>,
  seen: FloodObservations,
): { problems: string[]; found: IncidentFinding[] } {
  const problems: string[] = [];
  const found: IncidentFinding[] = [];
  for (const e of expected) {
    const owner = scenario.groups[e.group]?.owner;
    const ids = new Set((groups[e.group] ?? []).map((d) => d.id));
    const what = `the ${e.rule} incident of group ${e.group} (${owner})`;
    const members = seen.alerts.filter((a) => ids.has(a.device) && causeOf(a.rule) === e.rule);
    if (members.length === 0) {
      problems.push(`${what}: no ${e.rule} alert on the group's devices`);
      continue;
    }
    const unplaced = members.filter((a) => a.incident === undefined).length;
    if (unplaced > 0) problems.push(`${what}: ${unplaced} of ${members.length} alerts carry no incident`);
    const incidents = [...new Set(members.flatMap((a) => (a.incident ? [a.incident] : [])))];
    if (incidents.length !== 1) {
      if (incidents.length > 1)
        problems.push(
          `${what}: its alerts are split over ${incidents.length} incidents (${incidents.slice(0, 5).join(', ')})`,
        );
      continue;
    }
    const [id] = incidents;
    const live = seen.live.get(id);
    const listed = seen.listed.find((i) => i.id === id);
    found.push({
      group: e.group,
      id,
      key: live?.key ?? listed?.key ?? '',
      liveSize: live?.size ?? null,
      listed: listed
        ? {
            size: listed.size,
            open: listed.open,
            active: listed.active,
            unacknowledged: listed.unacknowledged,
          }
        : null,
      memberAlerts: members.length,
    });
    if (members.length !== e.size)
      problems.push(`${what}: ${members.length} of the group's alerts joined ${id}, expected ${e.size}`);
    if (!live) problems.push(`${what}: no incident event for ${id} on /live`);
    else {
      if (live.size !== e.size)
        problems.push(`${what}: /live counts ${live.size} members of ${id}, expected ${e.size}`);
      if (live.owner !== owner)
        problems.push(`${what}: /live shows ${id} of owner ${live.owner ?? '(mixed)'}, expected ${owner}`);
    }
    if (!listed) {
      problems.push(`${what}: GET /api/incidents does not list ${id}`);
      continue;
    }
    if (listed.size !== e.size)
      problems.push(`${what}: GET /api/incidents counts ${listed.size} members of ${id}, expected ${e.size}`);
    for (const field of ['active', 'open', 'unacknowledged'] as const) {
      const want = e[field];
      if (want !== undefined && listed[field] !== want)
        problems.push(`${what}: GET /api/incidents: ${field} ${listed[field]}, expected ${want}`);
    }
  }
  return { problems, found };
}

/**
 * Alerts stated `alone` (each screen got the alert as itself, and it shares its incident with no other
 * alert) or `within` (each screen got it within that long of its reading's publish).
 *
 * @param screens per screen watched, alert ID → when the alert first arrived there (ms)
 * @param published per device ID, when its messages were published (ms, ascending)
 */
export function checkAlone(
  expected: readonly AlertExpectation[],
  devices: Readonly<Record<string, Device>>,
  seen: Pick<FloodObservations, 'alerts' | 'live'>,
  screens: ReadonlyArray<ReadonlyMap<string, number>>,
  published: ReadonlyMap<string, readonly number[]>,
): { problems: string[]; found: AloneFinding[] } {
  const problems: string[] = [];
  const found: AloneFinding[] = [];
  for (const e of expected) {
    if (!e.alone && e.within === undefined) continue;
    const device = devices[e.device];
    const alert = seen.alerts.find((a) => a.rule === e.rule && a.device === device.id);
    if (!alert) continue; // reported missing by the alert comparison
    const what = `${e.rule} on ${device.id}`;
    const latencies: number[] = [];
    screens.forEach((screen, k) => {
      const at = screen.get(alert.id);
      if (at === undefined) {
        problems.push(`${what} did not reach screen ${k + 1} of ${screens.length} as itself`);
        return;
      }
      const sentAt = [...(published.get(device.id) ?? [])].reverse().find((t) => t <= at);
      if (sentAt !== undefined) latencies.push(at - sentAt);
    });
    const latencyMs = latencies.length > 0 ? Math.max(...latencies) : null;
    found.push({
      rule: e.rule,
      device: device.id,
      ...(alert.incident ? { incident: alert.incident } : {}),
      screens: screens.filter((s) => s.has(alert.id)).length,
      watched: screens.length,
      latencyMs,
    });
    if (e.within !== undefined && latencyMs !== null && latencyMs > e.within)
      problems.push(`${what} reached a screen ${latencyMs} ms after its reading, later than ${e.within} ms`);
    if (e.alone && alert.incident) {
      const others = seen.alerts.filter((a) => a.id !== alert.id && a.incident === alert.incident);
      const size = seen.live.get(alert.incident)?.size ?? 1;
      if (others.length > 0 || size > 1)
        problems.push(
          `${what} was grouped: incident ${alert.incident} has ${Math.max(size, others.length + 1)} members` +
            (others.length > 0 ? ` (with ${others[0].rule} on ${others[0].device}…)` : ''),
        );
    }
  }
  return { problems, found };
}

export function describeIncident(f: IncidentFinding): string {
  const l = f.listed;
  return (
    `${f.id} (group ${f.group}): ${f.memberAlerts} alerts of the group; /live ${f.liveSize ?? '—'} members; ` +
    (l
      ? `API ${l.size} members, ${l.active} active, ${l.open} open, ${l.unacknowledged} unacknowledged`
      : 'not listed by the API')
  );
}

export function describeAlone(f: AloneFinding): string {
  return (
    `${f.rule} on ${f.device}: on ${f.screens} of ${f.watched} screens as itself` +
    (f.latencyMs !== null ? `, ${f.latencyMs} ms after its reading` : '') +
    (f.incident ? `, alone in ${f.incident}` : ', in no incident')
  );
}
