import type { AlarmLoad, Alert, Severity } from '@lg/contracts';
import { isOpen, isoPeriod, SEVERITIES } from '@lg/contracts';

export type { AlarmLoad } from '@lg/contracts';

/**
 * The command centre's alarm load against the control-room benchmarks (EEMUA 191, ISA-18.2): pure, from
 * the alerts opened in a period and the alerts open now. An alarm is an alert's firing: its opening and
 * each reopening (`count`); reopenings are placed at the alert's opening (their own times are in the
 * history, not the alert), which can only move load earlier within the alert's life.
 */

/** ISA-18.2 / EEMUA 191: more than this many alarms in 10 minutes per operator is a flood. */
export const FLOOD_ALARMS_PER_10_MIN = 10;
/** EEMUA 191: about one alarm per 10 minutes per operator (6 an hour) is very likely acceptable… */
export const ACCEPTABLE_PER_OPERATOR_HOUR = 6;
/** …and two per 10 minutes (12 an hour) the most that is manageable. */
export const MANAGEABLE_PER_OPERATOR_HOUR = 12;
/** An alarm still active after this long is a standing alarm. */
export const STANDING_AFTER_MS = 24 * 3_600_000;

const TEN_MIN = 10 * 60_000;

export interface AlarmLoadInput {
  /** Alerts opened in [from, to). */
  opened: readonly Alert[];
  /** Alerts open now (for the standing ones). */
  open: readonly Alert[];
  from: number;
  to: number;
  /** Operators on duty sharing the load (≥ 1). */
  operators: number;
  now: number;
}

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export function alarmLoad(input: AlarmLoadInput): AlarmLoad {
  const { from, to, now } = input;
  const operators = Math.max(1, input.operators);
  const buckets = Math.max(1, Math.ceil((to - from) / TEN_MIN));
  const counts = new Array<number>(buckets).fill(0);
  const byRule = new Map<string, number>();
  const byDevice = new Map<string, { rule: string; alarms: number }>();
  const acks = new Map<Severity, number[]>(SEVERITIES.map((s) => [s, []]));
  let alarms = 0;
  for (const a of input.opened) {
    const at = Date.parse(a.openedAt);
    if (at < from || at >= to) continue;
    // Held under a cause and never raised (docs/rules.md, "Inhibition"): no operator saw it as an alarm.
    if (a.inhibitedBy !== undefined) continue;
    const n = Math.max(1, a.count);
    alarms += n;
    counts[Math.floor((at - from) / TEN_MIN)] += n;
    byRule.set(a.rule, (byRule.get(a.rule) ?? 0) + n);
    const key = `${a.device}|${a.rule}`;
    byDevice.set(key, { rule: a.rule, alarms: (byDevice.get(key)?.alarms ?? 0) + n });
    if (a.acknowledged && a.ackedAt) acks.get(a.severity)!.push((Date.parse(a.ackedAt) - at) / 1000);
  }
  const hours = (to - from) / 3_600_000;
  const perOperatorHour = hours > 0 ? alarms / hours / operators : 0;
  const floods: AlarmLoad['floods'] = [];
  let flooded = 0;
  counts.forEach((c, i) => {
    if (c <= FLOOD_ALARMS_PER_10_MIN * operators) return;
    flooded++;
    const start = from + i * TEN_MIN;
    const last = floods[floods.length - 1];
    if (last && Date.parse(last.end) === start) {
      last.end = new Date(start + TEN_MIN).toISOString();
      last.alarms += c;
    } else
      floods.push({
        start: new Date(start).toISOString(),
        end: new Date(start + TEN_MIN).toISOString(),
        alarms: c,
      });
  });
  const standingAll = input.open
    .filter(
      (a) =>
        isOpen(a) &&
        a.active &&
        a.inhibitedBy === undefined &&
        now - Date.parse(a.openedAt) > STANDING_AFTER_MS,
    )
    .sort((a, b) => (a.openedAt < b.openedAt ? -1 : 1));
  const share = (n: number) => (alarms > 0 ? n / alarms : 0);
  const timeToAck = Object.fromEntries(
    SEVERITIES.map((s) => {
      const sorted = acks.get(s)!.sort((x, y) => x - y);
      return [
        s,
        { acknowledged: sorted.length, medianSec: quantile(sorted, 0.5), p90Sec: quantile(sorted, 0.9) },
      ];
    }),
  ) as AlarmLoad['timeToAck'];
  return {
    ...isoPeriod(from, to),
    operators,
    alarms,
    perOperatorHour,
    rating:
      perOperatorHour <= ACCEPTABLE_PER_OPERATOR_HOUR
        ? 'acceptable'
        : perOperatorHour <= MANAGEABLE_PER_OPERATOR_HOUR
          ? 'manageable'
          : 'overloaded',
    per10Min: counts.map((c, i) => ({ start: new Date(from + i * TEN_MIN).toISOString(), alarms: c })),
    peak10Min: Math.max(...counts),
    floods,
    floodShare: flooded / buckets,
    standing: standingAll.slice(0, 20).map((a) => ({
      id: a.id,
      rule: a.rule,
      device: a.device,
      severity: a.severity,
      openedAt: a.openedAt,
      hours: Math.round(((now - Date.parse(a.openedAt)) / 3_600_000) * 10) / 10,
    })),
    standingCount: standingAll.length,
    topRules: [...byRule]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([rule, n]) => ({ rule, alarms: n, share: share(n) })),
    topDevices: [...byDevice]
      .sort((a, b) => b[1].alarms - a[1].alarms || (a[0] < b[0] ? -1 : 1))
      .slice(0, 10)
      .map(([key, v]) => ({
        device: key.slice(0, key.indexOf('|')),
        rule: v.rule,
        alarms: v.alarms,
        share: share(v.alarms),
      })),
    timeToAck,
  };
}
