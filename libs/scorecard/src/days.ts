/**
 * Days of the scorecard are calendar days in Asia/Shanghai (UTC+8 all year since 1991, so a fixed offset
 * is exact). A day is identified by the epoch ms of its local midnight.
 */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
const HOUR = 3_600_000;

/** Local midnight (epoch ms) of the day that contains `ts`. */
export function dayStart(ts: number): number {
  return Math.floor((ts + SHANGHAI_OFFSET_MS) / DAY_MS) * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** `YYYY-MM-DD` of the local day starting at `start`. */
export function dayLabel(start: number): string {
  return new Date(start + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight of a `YYYY-MM-DD` day; undefined when it is not a calendar date. */
export function parseDay(label: string): number | undefined {
  const m = DAY_PATTERN.exec(label);
  if (!m) return undefined;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(utc) || new Date(utc).toISOString().slice(0, 10) !== label) return undefined;
  return utc - SHANGHAI_OFFSET_MS;
}

/** A piece of a period inside one local day; `day` is set when the piece is that whole day. */
export interface Slice {
  from: number;
  to: number;
  day?: number;
}

/** Cuts [from, to) at local midnights. */
export function splitByDay(from: number, to: number): Slice[] {
  const slices: Slice[] = [];
  let start = from;
  while (start < to) {
    const midnight = dayStart(start);
    const end = Math.min(to, midnight + DAY_MS);
    slices.push(
      start === midnight && end === midnight + DAY_MS
        ? { from: start, to: end, day: midnight }
        : { from: start, to: end },
    );
    start = end;
  }
  return slices;
}

/**
 * A period widened to whole hours: `from` down, `to` up. Asia/Shanghai is a whole number of hours from
 * UTC, so local hours, and local midnights, are on this grid. Periods are cached and computed by these
 * bounds, so that periods a few milliseconds apart share one computation.
 */
export function wholeHours(from: number, to: number): { from: number; to: number } {
  return { from: Math.floor(from / HOUR) * HOUR, to: Math.ceil(to / HOUR) * HOUR };
}
