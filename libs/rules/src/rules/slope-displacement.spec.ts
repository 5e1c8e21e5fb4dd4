import type { AlertAction } from '@lg/contracts';
import {
  slopeDisplacement,
  type SlopeDisplacementConfig,
  type SlopeDisplacementState,
} from './slope-displacement';
import { DEVICES, RuleDriver, T0, testRegistry } from './testing';

const defaults = slopeDisplacement.defaults as SlopeDisplacementConfig;

const HOUR = 3600;
const registry = testRegistry();

/**
 * Cumulative displacement that follows piecewise-constant rates: `[hours, mm/day]` segments, one reading
 * every `everyMin` minutes, optional rain (mm in the last hour) per segment.
 */
function slope(
  segments: Array<[number, number, number?]>,
  config?: Partial<SlopeDisplacementConfig>,
  options: { everyMin?: number; owner?: string } = {},
) {
  const device = { ...DEVICES.slope, owner: options.owner ?? 'S01' };
  const d = new RuleDriver(slopeDisplacement, 'slope', registry, { ...defaults, ...config }, T0, device);
  const step = (options.everyMin ?? 10) * 60;
  let s = 0;
  let disp = 0;
  for (const [hours, rate, rain] of segments) {
    for (const end = s + hours * HOUR; s < end; s += step) {
      d.at(s, { disp: Math.round(disp * 1000) / 1000, ...(rain !== undefined ? { rain } : {}) });
      disp += (rate * step) / 86_400;
    }
  }
  return d;
}

const severities = (d: RuleDriver) => d.seen.map(([, type, severity]) => severity ?? type);

describe('slope.displacement', () => {
  it('stays quiet on a slope creeping well under its uniform rate', () => {
    expect(slope([[72, 0.1]]).seen).toEqual([]);
  });

  it('waits for readings spanning the 6 h window before judging a rate', () => {
    const d = slope([[10, 0.5]]);
    expect(d.seen).toEqual([[6 * HOUR, 'fire', 'blue']]);
    expect(d.lastFire()?.message).toMatch(/α=45\.\d°/);
  });

  it('goes through blue, yellow and orange to red as the rate accelerates, and red evacuates the buildings', () => {
    const d = slope([
      [12, 0.5], // α = 45° uniform stage
      [12, 1], // α = 63°
      [12, 4], // α = 83°
      [12, 8], // α = 86°
    ]);
    expect(severities(d)).toEqual(['blue', 'yellow', 'orange', 'red']);
    const [blueAt, yellowAt, orangeAt, redAt] = d.seen.map(([s]) => s / HOUR);
    expect(blueAt).toBe(6);
    expect(yellowAt).toBeGreaterThan(12);
    expect(orangeAt).toBeGreaterThan(24);
    expect(redAt).toBeGreaterThan(36);
    expect(redAt).toBeLessThanOrEqual(42);
    const red = d.lastFire()!;
    expect(red.actions).toEqual<AlertAction[]>([
      {
        type: 'evacuate',
        description: expect.stringContaining('雪象边坡') as string,
        targets: ['雪象村12栋', '雪象村13栋'],
      },
    ]);
    expect(red.message).toContain('撤离：雪象村12栋、雪象村13栋');
    // red as soon as the fitted rate passes v0 × tan 85° = 5.7 mm/day
    expect(red.value).toBeGreaterThanOrEqual(5.7);
    expect(red.threshold).toBe(5.72);
    // lower levels carry no evacuation
    expect(d.signals.filter((s) => s.signal.type === 'fire' && s.signal.severity !== 'red')).toHaveLength(3);
    for (const { signal } of d.signals) {
      if (signal.type === 'fire' && signal.severity !== 'red') expect(signal.actions).toEqual([]);
    }
  });

  it('still orders an evacuation when the site lists no buildings', () => {
    const d = slope([[12, 10]], {}, { owner: 'S02' });
    expect(d.lastFire()?.actions?.[0]).toMatchObject({ type: 'evacuate', targets: [] });
  });

  it('clears only after 24 h back under the blue level, stepping down as each level is left', () => {
    const d = slope([
      [12, 8],
      [48, 0],
    ]);
    expect(severities(d)).toEqual(['red', 'orange', 'yellow', 'blue', 'clear']);
    const [, lowered, , , cleared] = d.seen.map(([s]) => s / HOUR);
    // the rate falls under red within the 6 h window after 12 h, so red holds until 12 + 24 h at least
    expect(lowered).toBeGreaterThanOrEqual(36);
    expect(cleared).toBeGreaterThanOrEqual(36);
    expect(cleared).toBeLessThanOrEqual(12 + 6 + 24);
  });

  it('does not clear while the rate keeps coming back (hysteresis)', () => {
    const segments: Array<[number, number]> = [];
    for (let i = 0; i < 8; i++) segments.push([12, 1], [12, 0.2]);
    const d = slope(segments);
    expect(d.seen.filter(([, type]) => type === 'clear')).toEqual([]);
    expect(d.seen[0]).toEqual([6 * HOUR, 'fire', 'yellow']);
  });

  it('raises to at least yellow on more than 2 mm/day on 3 consecutive days (GB 50330)', () => {
    // v0 = 5 mm/day: 2.5 mm/day is α = 27°, below the tangent-angle bands
    const d = slope([[24 * 4, 2.5]], { v0MmPerDay: 5 }, { everyMin: 60 });
    expect(severities(d)).toEqual(['yellow']);
    const day = d.seen[0][0] / 86_400;
    // day 0 has no day before it; days 1, 2 and 3 exceed: the third one once its growth passes 2 mm
    expect(day).toBeGreaterThan(3.75);
    expect(day).toBeLessThan(4);
    expect(d.lastFire()?.message).toContain('GB 50330');
  });

  it('raises one level in heavy rain (≥ 50 mm in 24 h), and not by rain alone', () => {
    const dry = slope([[24, 1]]);
    expect(severities(dry)).toEqual(['yellow']);
    const wet = slope([
      [12, 1, 0],
      [6, 1, 10], // 60 mm over six hours
      [6, 1, 0],
    ]);
    expect(severities(wet)).toEqual(['yellow', 'orange']);
    expect(wet.lastFire()?.message).toContain('24 小时降雨');
    const rainOnly = slope([[24, 0.1, 20]]);
    expect(rainOnly.seen).toEqual([]);
  });

  it('ignores unqualified readings', () => {
    const d = new RuleDriver(slopeDisplacement, 'slope', registry);
    for (let s = 0; s <= 7 * HOUR; s += 600) d.at(s, { disp: 0 });
    d.at(7 * HOUR + 600, { disp: 500, rain: 900 }, { why: ['rain_out_of_range'] });
    expect(d.seen).toEqual([]);
  });

  it('keeps a small state however long it runs', () => {
    const d = slope([[24 * 10, 0.1, 1]], {}, { everyMin: 1 });
    const state = d.state as SlopeDisplacementState;
    expect(state.h.length).toBeLessThanOrEqual(14);
    expect(state.days.length).toBeLessThanOrEqual(5);
    expect(state.rain.length).toBeLessThanOrEqual(24);
    expect(JSON.stringify(state).length).toBeLessThan(2000);
  });

  it('rejects band edges out of order', () => {
    expect(slopeDisplacement.configSchema.safeParse({ ...defaults, orangeDeg: 86 }).success).toBe(false);
  });
});
