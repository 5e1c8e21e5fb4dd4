import {
  ESCALATION_LEVELS,
  isOpen,
  isoPeriod,
  SEVERITIES,
  severityRank,
  type Alert,
  type Digest,
  type DigestAlert,
  type DigestHandling,
  type DigestScope,
  type EscalationLevel,
  type Severity,
} from '@lg/contracts';
import type { LocalDay } from './days';

export type { Digest, DigestAlert, DigestHandling, DigestScope } from '@lg/contracts';

export const DIGEST_WORST = 5;
export const DIGEST_OPEN_LISTED = 20;
/** An alert active for longer than this is a standing one. */
export const DIGEST_STANDING_MS = 24 * 3_600_000;

export interface DigestInput {
  scope: DigestScope;
  day: LocalDay;
  /** Alerts of the scope opened in the day (others are left out here too). */
  opened: readonly Alert[];
  /** Alerts of the scope open now. */
  open: readonly Alert[];
  now: number;
  truncated?: boolean;
}

function zeroes(): Record<Severity, number> {
  return { blue: 0, yellow: 0, orange: 0, red: 0 };
}

/** When it was first taken: the command centre's acknowledgement or a company's taking of its red alert. */
function takenAt(a: Alert): number | undefined {
  const times = [a.acknowledged ? a.ackedAt : undefined, a.companyAck?.at]
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t))
    .filter((t) => Number.isFinite(t));
  return times.length > 0 ? Math.min(...times) : undefined;
}

function ackSeconds(a: Alert): number | null {
  const t = takenAt(a);
  return t === undefined ? null : Math.max(0, Math.round((t - Date.parse(a.openedAt)) / 1000));
}

function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

function view(a: Alert, now?: number): DigestAlert {
  return {
    id: a.id,
    rule: a.rule,
    severity: a.severity,
    device: a.device,
    message: a.message,
    openedAt: a.openedAt,
    count: Math.max(1, a.count),
    active: a.active,
    acknowledged: a.acknowledged,
    level: a.escalation.level,
    ackSec: ackSeconds(a),
    ...(now !== undefined
      ? { ageHours: Math.round(((now - Date.parse(a.openedAt)) / 3_600_000) * 10) / 10 }
      : {}),
  };
}

/** The first step of an alert's chain: a truck's company, a fixed asset's grid. */
function firstLevel(a: Alert): EscalationLevel {
  return a.kind === 'truck' ? 'company' : 'grid';
}

const bySeverityDesc = (a: Alert, b: Alert) => severityRank(b.severity) - severityRank(a.severity);

/** Builds a digest. Pure: time comes from `now` and the alerts. */
export function buildDigest(input: DigestInput): Digest {
  const { day, now } = input;
  const opened = input.opened.filter((a) => {
    const t = Date.parse(a.openedAt);
    return t >= day.from && t < day.to;
  });
  const bySeverity = zeroes();
  const rules = new Map<string, Record<Severity, number>>();
  const acks = new Map<Severity, { secs: number[]; slowest: DigestHandling['slowest']; opened: number }>(
    SEVERITIES.map((s) => [s, { secs: [], slowest: null, opened: 0 }]),
  );
  const reached = Object.fromEntries(ESCALATION_LEVELS.map((l) => [l, 0])) as Record<EscalationLevel, number>;
  let firings = 0;
  let escalated = 0;
  for (const a of opened) {
    bySeverity[a.severity]++;
    firings += Math.max(1, a.count);
    const r = rules.get(a.rule) ?? zeroes();
    r[a.severity]++;
    rules.set(a.rule, r);
    reached[a.escalation.level]++;
    if (a.escalation.level !== firstLevel(a)) escalated++;
    const h = acks.get(a.severity)!;
    h.opened++;
    const sec = ackSeconds(a);
    if (sec !== null) {
      h.secs.push(sec);
      if (!h.slowest || sec > h.slowest.sec) h.slowest = { id: a.id, device: a.device, rule: a.rule, sec };
    }
  }
  const worst = [...opened]
    .sort(
      (a, b) =>
        bySeverityDesc(a, b) ||
        Math.max(1, b.count) - Math.max(1, a.count) ||
        Date.parse(a.openedAt) - Date.parse(b.openedAt) ||
        (a.id < b.id ? -1 : 1),
    )
    .slice(0, DIGEST_WORST)
    .map((a) => view(a));
  const openNow = input.open.filter((a) => isOpen(a));
  const items = [...openNow]
    .sort(
      (a, b) =>
        bySeverityDesc(a, b) || Date.parse(a.openedAt) - Date.parse(b.openedAt) || (a.id < b.id ? -1 : 1),
    )
    .slice(0, DIGEST_OPEN_LISTED)
    .map((a) => view(a, now));
  return {
    scope: input.scope,
    date: day.date,
    timeZone: day.timeZone,
    ...isoPeriod(day.from, day.to),
    builtAt: new Date(now).toISOString(),
    alerts: {
      total: opened.length,
      firings,
      bySeverity,
      byRule: [...rules]
        .map(([rule, s]) => ({ rule, total: SEVERITIES.reduce((n, k) => n + s[k], 0), bySeverity: s }))
        .sort((a, b) => b.total - a.total || (a.rule < b.rule ? -1 : 1)),
      worst,
    },
    handling: {
      bySeverity: Object.fromEntries(
        SEVERITIES.map((s) => {
          const h = acks.get(s)!;
          const sorted = h.secs.sort((x, y) => x - y);
          return [
            s,
            {
              opened: h.opened,
              acknowledged: sorted.length,
              unacknowledged: h.opened - sorted.length,
              medianSec: median(sorted),
              slowest: h.slowest,
            },
          ];
        }),
      ) as Record<Severity, DigestHandling>,
      escalated,
      reached,
    },
    open: {
      total: openNow.length,
      unacknowledged: openNow.filter((a) => !a.acknowledged).length,
      standing: openNow.filter((a) => a.active && now - Date.parse(a.openedAt) > DIGEST_STANDING_MS).length,
      items,
    },
    truncated: input.truncated ?? false,
  };
}
