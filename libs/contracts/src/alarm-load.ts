import type { Severity } from './alert';

/**
 * The command centre's alarm-load figures (`GET /api/alarm-load`, docs/dashboard.md "Alarm load"): computed
 * by libs/alerts, read by the dashboard's page.
 */
export interface AlarmLoad {
  from: string;
  to: string;
  operators: number;
  alarms: number;
  /** Alarms per operator per hour over the period. */
  perOperatorHour: number;
  /** `acceptable` (≤ 6/h), `manageable` (≤ 12/h), `overloaded`. */
  rating: 'acceptable' | 'manageable' | 'overloaded';
  /** Alarms per 10-minute interval from `from` (the last may be partial). */
  per10Min: { start: string; alarms: number }[];
  peak10Min: number;
  /** Runs of 10-minute intervals with more than 10 alarms per operator. */
  floods: { start: string; end: string; alarms: number }[];
  /** Share of the period's 10-minute intervals in flood, 0..1. */
  floodShare: number;
  /** Active for more than 24 h, oldest first (at most 20). */
  standing: {
    id: string;
    rule: string;
    device: string;
    severity: Severity;
    openedAt: string;
    hours: number;
  }[];
  standingCount: number;
  /** The rules and devices that alarm most (at most 10 each), with their share of all alarms. */
  topRules: { rule: string; alarms: number; share: number }[];
  topDevices: { device: string; rule: string; alarms: number; share: number }[];
  /** From opening to the command centre's acknowledgement, per severity, seconds. */
  timeToAck: Record<Severity, { acknowledged: number; medianSec: number | null; p90Sec: number | null }>;
}
