const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration into milliseconds: `90s`, `10m`, `2h`, `500ms`, compounds such as `4h10m` or `1d 6h`,
 * or a bare number of seconds.
 */
export function parseDuration(text: string): number {
  const bare = /^\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (bare) return bounded(text, Math.round(Number(bare[1]) * 1000));
  const part = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*/gy;
  const trimmed = text.trim();
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = part.exec(trimmed)) !== null) {
    total += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    matched = part.lastIndex;
  }
  if (trimmed.length === 0 || matched !== trimmed.length) {
    throw new Error(`"${text}" is not a duration: use e.g. 90s, 10m, 2h, 4h10m or a number of seconds`);
  }
  return bounded(text, Math.round(total));
}

/** Longest duration read: a year is more than any scenario, run or load needs. */
const MAX_MS = 366 * 86_400_000;

function bounded(text: string, ms: number): number {
  if (!(ms <= MAX_MS)) {
    const shown = text.length > 24 ? `${text.slice(0, 24)}…` : text;
    throw new Error(`"${shown}" is too long: at most 366d`);
  }
  return ms;
}

/** Milliseconds as a short duration, e.g. `4h10m`, `35s`, `250ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms / 1000);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}
