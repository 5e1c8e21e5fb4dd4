/**
 * Durations in configuration: a whole number with a unit, `90s`, `30m`, `12h`, `7d`, or plain seconds.
 */
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

export const DURATION_PATTERN = /^(\d{1,9})(s|m|h|d)?$/;

/** Seconds in a duration such as `12h`; null when it is not one. */
export function parseDurationSeconds(text: string): number | null {
  const m = DURATION_PATTERN.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * UNITS[m[2] ?? 's'];
}
