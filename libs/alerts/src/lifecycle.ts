import type {
  Alert,
  AlertAction,
  AlertTransition,
  AlertTransitionType,
  DeviceKind,
  Escalation,
  Severity,
} from '@lg/contracts';
import { severityRank } from '@lg/contracts';

/** What a rule says about one device at one moment. */
export type RuleSignal =
  | {
      type: 'fire';
      severity: Severity;
      value: number | string | null;
      threshold: number | string | null;
      message: string;
      location?: { lat: number; lon: number };
      actions?: AlertAction[];
    }
  | { type: 'clear'; value: number | string | null; message?: string };

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

function transition(alert: Alert, type: AlertTransitionType, atMs: number, by = 'system'): AlertTransition {
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
      const { clearedAt: _cleared, ...rest } = open;
      const alert: Alert = {
        ...rest,
        active: true,
        severity: signal.severity,
        message: signal.message,
        value: signal.value,
        threshold: signal.threshold,
        ...(signal.location ? { location: signal.location } : {}),
        ...(signal.actions ? { actions: signal.actions } : {}),
        updatedAt: iso(atMs),
        count: open.count + 1,
      };
      return { alert, transition: transition(alert, 'reopened', atMs) };
    }
    if (signal.severity === open.severity) return null;
    const alert: Alert = {
      ...open,
      severity: signal.severity,
      message: signal.message,
      value: signal.value,
      threshold: signal.threshold,
      ...(signal.location ? { location: signal.location } : {}),
      ...(signal.actions ? { actions: signal.actions } : {}),
      updatedAt: iso(atMs),
    };
    const type = severityRank(signal.severity) > severityRank(open.severity) ? 'raised' : 'lowered';
    return { alert, transition: transition(alert, type, atMs) };
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

/** A person takes an alert. Acknowledging twice keeps the first acknowledgement. */
export function acknowledge(
  current: Alert,
  by: string,
  note: string | undefined,
  atMs: number,
): LifecycleResult | null {
  if (current.acknowledged) return null;
  const alert: Alert = {
    ...current,
    acknowledged: true,
    ackedAt: iso(atMs),
    ackedBy: by,
    ...(note !== undefined ? { note } : {}),
    updatedAt: iso(atMs),
  };
  return { alert, transition: transition(alert, 'acknowledged', atMs, by) };
}
