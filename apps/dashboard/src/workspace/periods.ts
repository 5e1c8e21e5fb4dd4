/**
 * Scorecard periods in Asia/Shanghai local days (the regulator's), and the ranking's sort: pure, so that
 * they are unit-tested.
 */
export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

const DAY_MS = 86_400_000;
/** China keeps no daylight saving: local midnight is 16:00 UTC. */
const OFFSET_MS = 8 * 3_600_000;

export function localDayStart(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
}

/** The whole local days before today: yesterday, the last 7, the last 30. */
export function periodRange(period: Period, now: number): { from: number; to: number } {
  const to = localDayStart(now);
  const days = period === 'day' ? 1 : period === 'week' ? 7 : 30;
  return { from: to - days * DAY_MS, to };
}

/** `2026-05-01` of a local day. */
export function localDate(ms: number): string {
  return new Date(localDayStart(ms) + OFFSET_MS).toISOString().slice(0, 10);
}

export type SortKey = 'rank' | 'score' | 'name' | `points.${string}`;

/** Sorts rows by a key (highest first for points and score, by rank or name ascending). */
export function sortRows<
  T extends { company: string; score: number; rank?: number; points: Record<string, number> },
>(rows: readonly T[], key: SortKey, descending: boolean): T[] {
  const value = (r: T): number | string => {
    if (key === 'rank') return r.rank ?? 0;
    if (key === 'score') return r.score;
    if (key === 'name') return r.company;
    return r.points[key.slice('points.'.length)] ?? 0;
  };
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    const c = typeof va === 'string' ? va.localeCompare(String(vb)) : va - (vb as number);
    return c !== 0 ? sign * c : a.company.localeCompare(b.company);
  });
}

/** The district's mean of each item's points and of the score. */
export function averages<T extends { score: number; points: Record<string, number> }>(
  rows: readonly T[],
): { score: number; points: Record<string, number> } {
  const points: Record<string, number> = {};
  if (rows.length === 0) return { score: 0, points };
  for (const r of rows) for (const [k, v] of Object.entries(r.points)) points[k] = (points[k] ?? 0) + v;
  for (const k of Object.keys(points)) points[k] = Math.round((points[k] / rows.length) * 100) / 100;
  return { score: Math.round((rows.reduce((s, r) => s + r.score, 0) / rows.length) * 100) / 100, points };
}

/** Seconds left to a deadline, never below zero; `mm:ss`. */
export function countdown(deadline: number, now: number): string {
  const s = Math.max(0, Math.ceil((deadline - now) / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
