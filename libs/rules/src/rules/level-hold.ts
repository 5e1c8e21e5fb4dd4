import { SEVERITIES, severityRank, type Severity } from '@lg/contracts';

/**
 * Hysteresis for rules whose measured level moves between bands (overspeed, slope displacement): an alert
 * rises at once to a higher measured level, but lowers or clears only after the measurement stayed below a
 * level for the hold time. Each level keeps the event time at which the measurement last dropped below it,
 * so when the measurement falls through several levels the alert steps down as each one's hold runs out,
 * never further than the highest level seen within the hold.
 *
 * JSON-friendly: `below[i]` belongs to `SEVERITIES[i]` (blue, yellow, orange, red), null while the
 * measurement is at or above that level.
 */
export interface LevelHold {
  level: Severity | null;
  below: Array<number | null>;
}

export function initialHold(): LevelHold {
  return { level: null, below: SEVERITIES.map(() => null) };
}

const rank = (s: Severity | null): number => (s === null ? -1 : severityRank(s));

/**
 * Records a measurement at `ts` and returns the updated timers and the level the alert should now be at
 * (null: no alert). The caller compares it with `hold.level` to decide on a signal, and stores it.
 */
export function holdLevel(
  hold: LevelHold,
  measured: Severity | null,
  ts: number,
  holdMs: number,
): { below: Array<number | null>; target: Severity | null } {
  const m = rank(measured);
  const below = SEVERITIES.map((_, i) => (m >= i ? null : (hold.below[i] ?? ts)));
  const cap = Math.max(m, rank(hold.level));
  let target: Severity | null = null;
  for (let i = cap; i >= 0; i--) {
    const since = below[i];
    if (since === null || ts - since < holdMs) {
      target = SEVERITIES[i];
      break;
    }
  }
  return { below, target };
}
