import type { Alert, Severity } from './alert';
import type { DeviceKind } from './topics';

/**
 * The dimensions an incident groups alerts by (`INCIDENT_GROUP_KEYS` of the worker): the rule, the owner
 * (company, slope site, pipeline network), the device kind, the street of a fixed device. Truck alerts are
 * always grouped by owner as well, whatever the setting: a transport company sees only its own.
 */
export const INCIDENT_DIMENSIONS = ['rule', 'owner', 'kind', 'street'] as const;
export type IncidentDimension = (typeof INCIDENT_DIMENSIONS)[number];

/**
 * Alerts that opened together for one cause: the same grouping key (for instance the same rule and owner)
 * within the grouping window of each other. Kept by the worker when an alert opens; its members are the
 * alerts, each of which keeps its own lifecycle (and a red one always reaches every screen as itself).
 * Times are ISO-8601 UTC.
 */
export interface Incident {
  id: string;
  /** The grouping key, e.g. `rule=truck.offline|owner=C01`. */
  key: string;
  /** Set when every member has it (the key names it, or there is one member so far). */
  rule?: string;
  kind?: DeviceKind;
  owner?: string;
  street?: string;
  openedAt: string;
  /** When the latest member joined. */
  lastAt: string;
  /**
   * Members so far. On the `incident` event, the placements (an evaluation that failed after placing its
   * alert and ran again may count one twice); in a view, the members kept, counted when asked.
   */
  size: number;
}

/** An incident with its members counted now (`GET /api/incidents`). */
export interface IncidentView extends Incident {
  /** Members still open (active, or cleared and not acknowledged). */
  open: number;
  active: number;
  unacknowledged: number;
  /** Open red members: each is on every screen as itself. */
  red: number;
  /** The highest severity of its open members, null when none is open. */
  severity: Severity | null;
  /** Only for one incident (`GET /api/incidents/{id}`): its members, newest first. */
  alerts?: Alert[];
}

/** What acknowledging an incident did to each member. */
export interface IncidentAckResult {
  incident: IncidentView;
  acknowledged: string[];
  /** Members left for a person to take on their own, with why. */
  skipped: { id: string; reason: 'red' | 'raised' | 'changed' | 'closed' }[];
}
