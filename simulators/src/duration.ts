/** Parses a duration such as `90s`, `10m`, `2h`, `500ms` or a bare number of seconds, into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration: use e.g. 90s, 10m, 2h or a number of seconds`);
  const value = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    unit as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Math.round(value * factor);
}
