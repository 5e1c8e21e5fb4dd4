import type { DeviceKind } from './topics';

/** Chinese warning levels: blue (IV) < yellow (III) < orange (II) < red (I, highest). */
export const SEVERITIES = ['blue', 'yellow', 'orange', 'red'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** The same, worst first: the order lists, tallies and tiles show them in. */
export const SEVERITIES_WORST_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The responsibility chain an unacknowledged alert climbs. */
export const ESCALATION_LEVELS = ['company', 'grid', 'community', 'street', 'district'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

export interface DutyContact {
  name: string;
  phone: string;
  /** The post, e.g. "网格员", "社区值班", "街道应急办". */
  role?: string;
  /** A mobile number that takes SMS (11 digits, mainland China), when the contact has one. */
  mobile?: string;
  /** Where e-mail notifications go, when the contact has an address. */
  email?: string;
}

export interface Escalation {
  level: EscalationLevel;
  /** The unit at that level (company ID, grid ID, ...). */
  unit?: string;
  /** ISO-8601 UTC time the alert reached this level. */
  since: string;
  notify: DutyContact[];
}

export interface AlertAction {
  /** e.g. `evacuate` for a red slope. */
  type: string;
  description: string;
  /** Buildings or places concerned, e.g. the buildings a slope threatens. */
  targets?: string[];
}

/** A person's taking of an alert. */
export interface Acknowledgement {
  /** The user name. */
  by: string;
  /** ISO-8601 UTC. */
  at: string;
  note?: string;
}

/**
 * The alert of contract v1. At most one open alert exists per rule and device; `active` (the condition
 * holds) and `acknowledged` (a person took it) are independent. Times are ISO-8601 UTC.
 */
export interface Alert {
  id: string;
  rule: string;
  severity: Severity;
  active: boolean;
  acknowledged: boolean;
  kind: DeviceKind;
  owner: string;
  device: string;
  message: string;
  value: number | string | null;
  threshold: number | string | null;
  location?: { lat: number; lon: number };
  openedAt: string;
  updatedAt: string;
  clearedAt?: string;
  ackedAt?: string;
  ackedBy?: string;
  note?: string;
  /**
   * A transport company's user took this red alert of its own truck. Recorded and shown, but it is not
   * the command centre's acknowledgement: `acknowledged` stays false, the alert keeps escalating towards the
   * district and flashes on the district's screens until an operator takes it.
   */
  companyAck?: Acknowledgement;
  /** How many times the condition fired while this alert was open. */
  count: number;
  escalation: Escalation;
  actions?: AlertAction[];
  /**
   * The incident this alert joined when it opened (docs/rules.md, "Incidents"), so that whatever follows
   * alerts (the dashboard, notifications) can follow the incident instead of each member. Absent: none.
   */
  incident?: string;
  /**
   * An operator shelved this nuisance alert (or its device) for a while: hidden from the live list and its
   * sounds, not escalating, until `until` or a rise above `severity` (docs/rules.md, "Shelving").
   */
  shelf?: Shelf;
  /**
   * Held back (inhibited, docs/rules.md "Inhibition"): this offline alert is explained by a known cause, the
   * cause ID (`link:C01`: company C01's platform link is down). Kept and listed under the cause's alert, but
   * not raised to operators, not escalating, not notified, until the cause clears and a grace period passes
   * (then it is released: raised normally) or the device reports again (then it closes by itself).
   */
  inhibitedBy?: string;
  /** On the alert that stands for a cause (`platform.link_down`): the cause ID its held alerts name. */
  cause?: string;
}

/** A shelving of an alert: who, why, until when, and the severity it was shelved at. */
export interface Shelf {
  by: string;
  /** The second operator who confirmed the shelving of a red alert. */
  confirmedBy?: string;
  reason: string;
  /** ISO-8601 UTC: when it was shelved, and when it comes back by itself. */
  at: string;
  until: string;
  /** The severity the operator saw: a rise above it unshelves the alert. */
  severity: Severity;
  /** Shelved with all its device's open alerts. */
  device?: boolean;
}

/** Is this alert shelved now (its shelf not yet expired)? */
export function isShelved(a: Pick<Alert, 'shelf'>, nowMs: number): boolean {
  return a.shelf !== undefined && Date.parse(a.shelf.until) > nowMs;
}

export const ALERT_TRANSITIONS = [
  'opened',
  'raised',
  'lowered',
  'updated',
  'cleared',
  'reopened',
  'acknowledged',
  'escalated',
  'closed',
  'shelved',
  'unshelved',
  'released',
] as const;
export type AlertTransitionType = (typeof ALERT_TRANSITIONS)[number];

/** One transition of an alert, as kept in InfluxDB (`alert_event`) and served by `/api/alerts/{id}/history`. */
export interface AlertTransition {
  alertId: string;
  type: AlertTransitionType;
  at: string;
  /** `system` for rule-driven transitions, the user name for acknowledgements. */
  by: string;
  severity: Severity;
  active: boolean;
  acknowledged: boolean;
  value: number | string | null;
  note?: string;
  /** On `raised`, `lowered` and `reopened`: the severity before. */
  previousSeverity?: Severity;
  /**
   * On `raised` and `reopened`: the acknowledgement this transition took away (the alert must be taken
   * again at its new severity), so that the history shows why an alert is unacknowledged again.
   */
  clearedAck?: Acknowledgement;
  /** Likewise, a company's taking of a red alert ({@link Alert.companyAck}) that a reopening took away. */
  clearedCompanyAck?: Acknowledgement;
  /** On a raise or reopening above the shelved severity: the shelf it took away (the alert is seen again). */
  clearedShelf?: Shelf;
  /** On rule-driven transitions: the IDs that lead back to the work (and the message) that caused it. */
  trace?: TransitionTrace;
  /** The incident the alert belongs to, on every transition of a member ({@link Alert.incident}). */
  incident?: string;
  /** The cause that holds the alert back, on every transition while it is held ({@link Alert.inhibitedBy}). */
  inhibitedBy?: string;
}

/**
 * Correlation IDs of a rule-driven transition, the same ones the apps' log lines about it carry (`job`,
 * `upTo`, `rx`, `ts`), so that an alert can be followed back to its MQTT message: the rule job that
 * evaluated it, the reading-log entries that job carried and, for a transition a reading caused, when
 * ingest received that reading's message and the reading's device time. See the README, "Follow an alert
 * back to its message".
 */
export interface TransitionTrace {
  /** The rule job: `<rule queue>:<BullMQ job ID>`, e.g. `rules-3:1207`. */
  job: string;
  /**
   * The last reading-log entry (Redis stream ID) the job carried; '' for a timer job (silence, escalation).
   * The reading's own entry is this one or an earlier one of the same job, and no earlier than `rx`.
   */
  upTo: string;
  /** When ingest received the reading's message, epoch ms (absent when no reading caused the transition). */
  rx?: number;
  /** The reading's device time, epoch ms: with the alert's device, the key of the reading in InfluxDB. */
  ts?: number;
}

/** An alert is closed (no longer open) once its condition is gone and a person acknowledged it. */
export function isOpen(a: Pick<Alert, 'active' | 'acknowledged'>): boolean {
  return a.active || !a.acknowledged;
}
