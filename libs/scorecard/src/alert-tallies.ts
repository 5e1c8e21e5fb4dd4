import { severityRank, type Severity } from '@lg/contracts';

/** One alert transition as read back from `alert_event` (tags and the `active` field). */
export interface AlertEventRow {
  /** Epoch ms. */
  time: number;
  alert: string;
  device: string;
  rule: string;
  type: string;
  severity: Severity;
  active: boolean;
}

/** Transitions that start an overspeed: a new alert, or a cleared one that fired again. */
const STARTS = new Set(['opened', 'reopened']);

/** Overspeeds of each device in [from, to): `opened` and `reopened` transitions of the rule. */
export function overspeedCounts(
  rows: readonly AlertEventRow[],
  rule: string,
  from: number,
  to: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) {
    if (r.rule !== rule || !STARTS.has(r.type) || r.time < from || r.time >= to) continue;
    counts.set(r.device, (counts.get(r.device) ?? 0) + 1);
  }
  return counts;
}

/**
 * Fatigue time of each device within [from, until), ms: the time its fatigue alerts were active at
 * `minSeverity` or above. Each alert's transitions are walked in time order; the state a transition leaves
 * (active, severity) holds until the next one, and the last state until `until`. Rows before `from` are
 * only there to know the state at `from` (read them with a lookback).
 */
export function fatigueTimes(
  rows: readonly AlertEventRow[],
  rule: string,
  minSeverity: Severity,
  from: number,
  until: number,
): Map<string, number> {
  const byAlert = new Map<string, AlertEventRow[]>();
  for (const r of rows) {
    if (r.rule !== rule || r.time >= until) continue;
    const list = byAlert.get(r.alert);
    if (list) list.push(r);
    else byAlert.set(r.alert, [r]);
  }
  const min = severityRank(minSeverity);
  const times = new Map<string, number>();
  for (const list of byAlert.values()) {
    list.sort((a, b) => a.time - b.time);
    let total = 0;
    for (let i = 0; i < list.length; i++) {
      const t = list[i];
      if (!t.active || severityRank(t.severity) < min) continue;
      const end = i + 1 < list.length ? list[i + 1].time : until;
      const overlap = Math.min(end, until) - Math.max(t.time, from);
      if (overlap > 0) total += overlap;
    }
    if (total > 0) times.set(list[0].device, (times.get(list[0].device) ?? 0) + total);
  }
  return times;
}
