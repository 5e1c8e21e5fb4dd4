import type {
  Acknowledgement,
  Alert,
  AlertTransition,
  AlertTransitionType,
  DeviceKind,
  Escalation,
} from '@lg/contracts';
import { isOpen, severityRank } from '@lg/contracts';
import type { ChainStep } from '@lg/registry';
import type { RuleSignal } from '@lg/rules';
import type { EscalationDelays } from './escalation';
import { riseUnshelves } from './shelving';

/** The rules own their signal type; named here too for the lifecycle's callers. */
export type { RuleSignal };

export interface AlertSubject {
  rule: string;
  kind: DeviceKind;
  owner: string;
  device: string;
}

export interface LifecycleResult {
  alert: Alert;
  transition: AlertTransition;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Deterministic: replaying the same readings after a crash yields the same alert, not a second one. */
export function alertId(subject: AlertSubject, openedAtMs: number): string {
  return `${subject.rule}~${subject.device}~${openedAtMs.toString(36)}`;
}

/** The device an alert ID names (the inverse of {@link alertId}'s middle part); undefined for another shape. */
export function deviceOfAlertId(id: string): string | undefined {
  const parts = id.split('~');
  return parts.length === 3 && parts[1] ? parts[1] : undefined;
}

function transition(
  alert: Alert,
  type: AlertTransitionType,
  atMs: number,
  by = 'system',
  extra: Partial<AlertTransition> = {},
): AlertTransition {
  return {
    alertId: alert.id,
    type,
    at: iso(atMs),
    by,
    severity: alert.severity,
    active: alert.active,
    acknowledged: alert.acknowledged,
    value: alert.value,
    ...(alert.note !== undefined && type === 'acknowledged' ? { note: alert.note } : {}),
    ...(alert.incident !== undefined ? { incident: alert.incident } : {}),
    ...(alert.inhibitedBy !== undefined ? { inhibitedBy: alert.inhibitedBy } : {}),
    ...extra,
  };
}

/**
 * What a raise or a reopening takes away: the command centre's acknowledgement and a company's taking. A
 * person took the alert at a lower severity, or before it came back; what it is now must be seen and taken
 * again. Returns the alert without them, what was cleared (for the transition), and the transition time,
 * kept after the cleared acknowledgements so that every copy of the alert orders after them.
 */
function clearAcks(
  open: Alert,
  atMs: number,
): { rest: Alert; cleared: Partial<AlertTransition>; atMs: number } {
  // Who and when; the note stays in the history's `acknowledged` transition.
  const { ackedAt, ackedBy, note: _note, companyAck, ...rest } = open;
  const cleared: Partial<AlertTransition> = {};
  let at = atMs;
  if (open.acknowledged && ackedAt !== undefined && ackedBy !== undefined) {
    cleared.clearedAck = { by: ackedBy, at: ackedAt };
    at = Math.max(at, Date.parse(ackedAt) + 1);
  }
  if (companyAck) {
    cleared.clearedCompanyAck = { by: companyAck.by, at: companyAck.at };
    at = Math.max(at, Date.parse(companyAck.at) + 1);
  }
  return { rest: { ...rest, acknowledged: false }, cleared, atMs: at };
}

/** A rise above the shelved severity takes the shelf away: the alert must be seen again. */
function unshelveOnRise(
  alert: Alert,
  severity: Alert['severity'],
): { alert: Alert; cleared: Partial<AlertTransition> } {
  if (!alert.shelf || !riseUnshelves(alert.shelf, severity)) return { alert, cleared: {} };
  const { shelf, ...rest } = alert;
  return { alert: rest, cleared: { clearedShelf: shelf } };
}

/** What a firing signal says of the alert now: a reopened or re-graded alert takes all of it. */
function signalled(signal: Extract<RuleSignal, { type: 'fire' }>) {
  return {
    severity: signal.severity,
    message: signal.message,
    value: signal.value,
    threshold: signal.threshold,
    ...(signal.location ? { location: signal.location } : {}),
    ...(signal.actions ? { actions: signal.actions } : {}),
  };
}

/**
 * The alert lifecycle, as a pure function of the open alert (if any), a rule's signal and the event time.
 * At most one open alert per rule and device: a firing while an alert is open raises, lowers or reopens it
 * instead of opening another. Returns null when nothing changes.
 */
export function applySignal(
  current: Alert | undefined,
  subject: AlertSubject,
  signal: RuleSignal,
  atMs: number,
  initialEscalation: (openedAt: string) => Escalation,
): LifecycleResult | null {
  const open = current && (current.active || !current.acknowledged) ? current : undefined;
  if (signal.type === 'fire') {
    if (!open) {
      const alert: Alert = {
        id: alertId(subject, atMs),
        ...subject,
        severity: signal.severity,
        active: true,
        acknowledged: false,
        message: signal.message,
        value: signal.value,
        threshold: signal.threshold,
        ...(signal.location ? { location: signal.location } : {}),
        openedAt: iso(atMs),
        updatedAt: iso(atMs),
        count: 1,
        escalation: initialEscalation(iso(atMs)),
        ...(signal.actions ? { actions: signal.actions } : {}),
      };
      return { alert, transition: transition(alert, 'opened', atMs) };
    }
    if (!open.active) {
      // Open and inactive means nobody at the command centre took it; a company's taking is cleared.
      const { rest: unacked, cleared, atMs: at } = clearAcks(open, atMs);
      const { clearedAt: _cleared, ...reopened } = unacked;
      const { alert: rest, cleared: unshelved } = unshelveOnRise(reopened, signal.severity);
      const alert: Alert = {
        ...rest,
        active: true,
        ...signalled(signal),
        updatedAt: iso(at),
        count: open.count + 1,
      };
      const extra = { previousSeverity: open.severity, ...cleared, ...unshelved };
      return { alert, transition: transition(alert, 'reopened', at, 'system', extra) };
    }
    if (signal.severity === open.severity) return null;
    const raised = severityRank(signal.severity) > severityRank(open.severity);
    // A raise must be seen again by everyone on duty; a lowering keeps whoever took the alert.
    const {
      rest: taken,
      cleared,
      atMs: at,
    } = raised ? clearAcks(open, atMs) : { rest: open, cleared: {}, atMs };
    const { alert: rest, cleared: unshelved } = unshelveOnRise(taken, signal.severity);
    const alert: Alert = {
      ...rest,
      ...signalled(signal),
      updatedAt: iso(at),
    };
    const extra = { previousSeverity: open.severity, ...cleared, ...unshelved };
    return {
      alert,
      transition: transition(alert, raised ? 'raised' : 'lowered', at, 'system', extra),
    };
  }
  if (!open || !open.active) return null;
  const alert: Alert = {
    ...open,
    active: false,
    value: signal.value,
    ...(signal.message ? { message: signal.message } : {}),
    updatedAt: iso(atMs),
    clearedAt: iso(atMs),
  };
  return { alert, transition: transition(alert, 'cleared', atMs) };
}

/**
 * An acknowledgement's `updatedAt`: its own time, or the alert's when that is later (the worker's clock
 * ahead of the gateway's, or a test clock), so that every screen keeps the acknowledged copy as the newer.
 */
function notBefore(at: string, updatedAt: string): string {
  return at > updatedAt ? at : updatedAt;
}

/**
 * Who acknowledges: the command centre (`district`, an operator) or the transport company whose truck it
 * is (`company`).
 */
export type AckScope = 'district' | 'company';

/**
 * A person takes an alert. Acknowledging twice keeps the first acknowledgement. A company's user takes its
 * own truck's alert like an operator, except a red one: that is recorded as the company's taking
 * (`companyAck`) and the alert stays unacknowledged, escalating, for the command centre to take.
 */
export function acknowledge(
  current: Alert,
  by: string,
  note: string | undefined,
  atMs: number,
  scope: AckScope = 'district',
): LifecycleResult | null {
  if (current.acknowledged) return null;
  if (scope === 'company' && current.severity === 'red') {
    if (current.companyAck) return null;
    const companyAck: Acknowledgement = { by, at: iso(atMs), ...(note !== undefined ? { note } : {}) };
    const alert: Alert = { ...current, companyAck, updatedAt: notBefore(iso(atMs), current.updatedAt) };
    const t = transition(alert, 'acknowledged', atMs, by);
    return { alert, transition: note !== undefined ? { ...t, note } : t };
  }
  const alert: Alert = {
    ...current,
    acknowledged: true,
    ackedAt: iso(atMs),
    ackedBy: by,
    ...(note !== undefined ? { note } : {}),
    updatedAt: notBefore(iso(atMs), current.updatedAt),
  };
  return { alert, transition: transition(alert, 'acknowledged', atMs, by) };
}

/** The first step of a responsibility chain (a device's, from the registry): where a new alert starts. */
export function initialEscalation(chain: readonly ChainStep[], since: string): Escalation {
  const first = chain[0];
  return { level: first.level, unit: first.unit.id, since, notify: first.unit.duty };
}

/**
 * When an alert next climbs (clock time, epoch ms), or null when it does not: a person took it, or its
 * severity never escalates. An alert nobody took climbs after its severity's delay, also once its condition
 * cleared: an SOS or a truck that moved while offline still needs a person to take it.
 */
export function escalationDue(alert: Alert, delays: EscalationDelays, nowMs: number): number | null {
  const delay = delays[alert.severity];
  return delay === null || alert.acknowledged ? null : nowMs + delay;
}

/**
 * One step up the chain for an alert that is due to climb, at clock time `atMs`; null when it should not
 * (taken, closed, or already at the top, the district).
 */
export function escalate(alert: Alert, chain: readonly ChainStep[], atMs: number): LifecycleResult | null {
  if (alert.acknowledged || !isOpen(alert)) return null;
  const next = chain[chain.findIndex((s) => s.level === alert.escalation.level) + 1];
  if (!next) return null;
  const since = iso(atMs);
  const escalated: Alert = {
    ...alert,
    escalation: { level: next.level, unit: next.unit.id, since, notify: next.unit.duty },
    updatedAt: since,
  };
  return { alert: escalated, transition: transition(escalated, 'escalated', atMs) };
}
