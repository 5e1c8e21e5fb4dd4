import type { TimeWindow } from '@lg/registry';

/**
 * Local time in Asia/Shanghai for rules that depend on the time of day (night driving, zone bans).
 * China has kept UTC+8 all year since 1991 (no daylight saving), so a fixed offset is exact and keeps the
 * rules free of the host's time-zone database. All times are event times, epoch ms.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;

/** `HH:MM` (00:00–23:59), as in the registry's time windows. */
export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Minutes since local midnight, 0–1439. */
export function localMinuteOfDay(ts: number): number {
  const local = ts + SHANGHAI_OFFSET_MS;
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/** The local calendar day as a day number (days since 1970-01-01 local), for per-day tallies. */
export function localDay(ts: number): number {
  return Math.floor((ts + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** `HH:MM` → minutes since midnight. Throws on a malformed value (configs are validated before use). */
export function parseHhmm(hhmm: string): number {
  if (!HHMM.test(hhmm)) throw new RangeError(`not a HH:MM time: ${hhmm}`);
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Is the local time of `ts` inside the daily window? `from` is inclusive, `to` exclusive; a window whose
 * `to` is before `from` wraps past midnight (22:00–06:00 holds from 22:00 to 05:59); `from` equal to `to`
 * is the whole day.
 */
export function inDailyWindow(ts: number, from: string, to: string): boolean {
  const m = localMinuteOfDay(ts);
  const a = parseHhmm(from);
  const b = parseHhmm(to);
  if (a === b) return true;
  return a < b ? m >= a && m < b : m >= a || m < b;
}

/** Does a ban with these windows hold at `ts`? No windows (absent or empty) means always. */
export function inAnyWindow(ts: number, windows: readonly TimeWindow[] | undefined): boolean {
  if (!windows || windows.length === 0) return true;
  return windows.some((w) => inDailyWindow(ts, w.from, w.to));
}
