import type { Severity } from '@lg/contracts';

/** Per-severity delay before an unacknowledged alert climbs one step, ms; null: never. */
export type EscalationDelays = Record<Severity, number | null>;

export const DEFAULT_ESCALATION_DELAYS: EscalationDelays = {
  red: 5 * 60_000,
  orange: 15 * 60_000,
  yellow: 60 * 60_000,
  blue: null,
};

/** Parses `red=5m,orange=15m,yellow=60m,blue=never`. */
export function parseEscalationDelays(text: string): EscalationDelays {
  const out: EscalationDelays = { ...DEFAULT_ESCALATION_DELAYS };
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(red|orange|yellow|blue)=(never|(\d+)(ms|s|m|h))$/.exec(part);
    if (!m) throw new Error(`"${part}" is not severity=delay (e.g. red=5m, blue=never)`);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[4] as 'ms' | 's' | 'm' | 'h'];
    out[m[1] as Severity] = m[2] === 'never' ? null : Number(m[3]) * unit;
  }
  return out;
}
