/**
 * The wall clock of an instant in an IANA time zone, asked of Intl at each instant rather than from an
 * assumed offset (a zone with daylight saving has 23- and 25-hour days). Browser-safe: the dashboard shows
 * every time in the command centre's zone with it, and the digest cuts its local days with it.
 */

/** The date and time fields of an instant on a zone's wall clock, as Intl writes them. */
export interface WallClockFields {
  /** `2026`. */
  year: string;
  /** `01` to `12`. */
  month: string;
  /** `01` to `31`. */
  day: string;
  /** `00` to `23`. */
  hour: string;
  minute: string;
  second: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Is this an IANA time zone this runtime knows? */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The fields of `ms` (epoch ms) on the wall clock of `timeZone`; throws a RangeError for an unknown zone. */
export function wallClockFields(ms: number, timeZone: string): WallClockFields {
  const fields: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) fields[p.type] = p.value;
  return fields as unknown as WallClockFields;
}
