/**
 * Local calendar days of the digest in a configurable IANA time zone (Asia/Shanghai by default). Shanghai
 * has a fixed offset, but a zone with daylight saving must still give 23- and 25-hour days, so offsets are
 * asked of Intl at each instant instead of assumed.
 */

import { wallClockFields } from '@lg/contracts';

export { isTimeZone } from '@lg/contracts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The wall clock of `ms` in the zone: date parts and minutes of the day. */
function wallClock(
  ms: number,
  timeZone: string,
): { y: number; m: number; d: number; minutes: number; s: number } {
  const parts = wallClockFields(ms, timeZone);
  return {
    y: Number(parts.year),
    m: Number(parts.month),
    d: Number(parts.day),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    s: Number(parts.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at `ms`, ms. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const wallAsUtc = Date.UTC(w.y, w.m - 1, w.d, Math.floor(w.minutes / 60), w.minutes % 60, w.s);
  return wallAsUtc - Math.floor(ms / 1000) * 1000;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of the local day that holds `ms`. */
export function localDate(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${String(w.y).padStart(4, '0')}-${pad2(w.m)}-${pad2(w.d)}`;
}

/** `YYYY-MM-DD HH:mm` of `ms` on the zone's wall clock (the digest's mails show times so). */
export function localDateTime(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${String(w.y).padStart(4, '0')}-${pad2(w.m)}-${pad2(w.d)} ${pad2(Math.floor(w.minutes / 60))}:${pad2(w.minutes % 60)}`;
}

/** Minutes since local midnight at `ms`. */
export function localMinutes(ms: number, timeZone: string): number {
  return wallClock(ms, timeZone).minutes;
}

/** Is this a calendar date `YYYY-MM-DD`? */
export function isDate(label: string): boolean {
  const m = DATE.exec(label);
  if (!m) return false;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return !Number.isNaN(utc) && new Date(utc).toISOString().slice(0, 10) === label;
}

/** The date `days` after (or before, negative) a date. */
export function addDays(label: string, days: number): string {
  const m = DATE.exec(label);
  if (!m) throw new Error(`not a date: ${label}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
}

/** Epoch ms of local midnight starting a date in the zone. */
export function localMidnight(label: string, timeZone: string): number {
  const m = DATE.exec(label);
  if (!m) throw new Error(`not a date: ${label}`);
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // The offset at the guess may differ from the offset at the answer across a change: correct once more.
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);
  return guess;
}

/** A local day: its date and its bounds [from, to), epoch ms. */
export interface LocalDay {
  date: string;
  timeZone: string;
  from: number;
  to: number;
}

export function localDay(label: string, timeZone: string): LocalDay {
  return {
    date: label,
    timeZone,
    from: localMidnight(label, timeZone),
    to: localMidnight(addDays(label, 1), timeZone),
  };
}

/**
 * The day whose digest is due at `ms` when digests go out at `sendAtMinutes` local time: yesterday once
 * the hour has come, the day before yesterday until then. A scheduled run and a worker starting late both
 * ask this, so a run delayed past midnight, or a restart after the hour, still sends the right day.
 */
export function dueDigestDate(ms: number, timeZone: string, sendAtMinutes: number): string {
  const today = localDate(ms, timeZone);
  return addDays(today, localMinutes(ms, timeZone) >= sendAtMinutes ? -1 : -2);
}
