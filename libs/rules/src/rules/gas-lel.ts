import { z } from 'zod';
import { gasReadingSees, type Severity } from '@lg/contracts';
import { defineRule } from '../rule';

/**
 * gas.lel — combustible gas (GB/T 50493-2019): level 1 at 25 % LEL (orange), level 2 at 50 % LEL (red).
 * Rises at once; lowers or clears only after the reading stayed under `clearRatio` × the threshold for
 * `clearSec` seconds, so a reading that hovers around a threshold does not flap. Readings of a detector
 * that cannot see (a fault, an LEL outside 0–100 %, an NE43 loop current) never count: they are
 * device.fault's business. Other unqualified fields (a battery level that cannot be) do not hide the gas,
 * nor does a clock running ahead (`future_ts`): the engine places such a reading at its arrival time.
 */
export const gasLelConfig = z
  .object({
    /** % LEL for orange. */
    orange: z.number().positive().max(100),
    /** % LEL for red. */
    red: z.number().positive().max(100),
    /** A level lowers/clears under this fraction of its threshold… */
    clearRatio: z.number().gt(0).max(1),
    /** …held for this many seconds. */
    clearSec: z.number().nonnegative().max(3600),
  })
  .strict()
  .refine((c) => c.red > c.orange, { message: 'red must be above orange' });

export type GasLelConfig = z.infer<typeof gasLelConfig>;

export interface GasLelState {
  level: Severity | null;
  /** Event time at which the reading first fell under the current level's release point. */
  belowSince: number | null;
}

function levelOf(lel: number, c: GasLelConfig): 'orange' | 'red' | null {
  if (lel >= c.red) return 'red';
  if (lel >= c.orange) return 'orange';
  return null;
}

export const gasLel = defineRule<GasLelState, GasLelConfig>({
  name: 'gas.lel',
  kinds: ['gas'],
  defaults: { orange: 25, red: 50, clearRatio: 0.8, clearSec: 30 },
  configSchema: gasLelConfig,
  initial: () => ({ level: null, belowSince: null }),
  evaluate(state, reading, c) {
    const lel = reading.f.lel;
    // An unqualified reading counts only when what made it so leaves the measurement standing (an
    // implausible battery level): a real gas alarm must not be hidden by a side field.
    const sees = reading.q === 'ok' || (reading.why !== undefined && gasReadingSees(reading.why));
    if (!sees || typeof lel !== 'number') return { state };
    const measured = levelOf(lel, c);
    const fire = (severity: 'orange' | 'red') => ({
      state: { level: severity, belowSince: null },
      signal: {
        type: 'fire' as const,
        severity,
        value: lel,
        threshold: c[severity],
        message: `可燃气体浓度 ${lel}% LEL，超过${severity === 'red' ? '二级' : '一级'}报警值 ${c[severity]}% LEL`,
      },
    });
    if (state.level === null) return measured ? fire(measured) : { state };
    const current = state.level === 'red' ? 'red' : 'orange';
    if (measured === 'red' && current === 'orange') return fire('red');
    // Where would the alert settle if the reading held? Compare against the release point of each level.
    const release = c[current] * c.clearRatio;
    if (lel >= release) return { state: { ...state, belowSince: null } };
    const belowSince = state.belowSince ?? reading.ts;
    if (reading.ts - belowSince < c.clearSec * 1000) return { state: { ...state, belowSince } };
    const settled = current === 'red' && lel >= c.orange * c.clearRatio ? 'orange' : null;
    if (settled) return fire(settled);
    return {
      state: { level: null, belowSince: null },
      signal: { type: 'clear', value: lel, message: `可燃气体浓度回落至 ${lel}% LEL` },
    };
  },
});
