import { gasLel, type GasLelConfig } from './gas-lel';
import { RuleDriver, testRegistry, type Seen } from './testing';

const config = gasLel.defaults as GasLelConfig;
const registry = testRegistry();
const t0 = Date.parse('2026-05-01T08:00:00Z');

type Lel = [second: number, lel: number, q?: 'ok' | 'bad'];

/** Feeds readings in order and returns the signals, as `[second, type, severity?]`. */
function run(sequence: Lel[]): Seen[] {
  const d = new RuleDriver(gasLel, 'gas', registry, config, t0);
  for (const [s, lel, q] of sequence) d.at(s, { lel }, { q });
  return d.seen;
}

describe('gas.lel', () => {
  it.each<[string, Lel[], Seen[]]>([
    [
      'stays quiet under 25% LEL',
      [
        [0, 0],
        [1, 10],
        [2, 24.9],
      ],
      [],
    ],
    [
      'fires orange at 25% and red at 50% at once',
      [
        [0, 25],
        [1, 49],
        [2, 50],
      ],
      [
        [0, 'fire', 'orange'],
        [2, 'fire', 'red'],
      ],
    ],
    ['fires red directly when the first reading is 60%', [[0, 60]], [[0, 'fire', 'red']]],
    [
      'clears only after 30 s under 80% of the threshold (20% LEL)',
      [
        [0, 30],
        [10, 19],
        [39, 19],
        [40, 19],
      ],
      [
        [0, 'fire', 'orange'],
        [40, 'clear'],
      ],
    ],
    [
      'does not clear while the reading hovers between 20% and 25% (hysteresis)',
      [
        [0, 30],
        [10, 22],
        [60, 21],
        [120, 24],
      ],
      [[0, 'fire', 'orange']],
    ],
    [
      'restarts the clearing window when the reading climbs back over the release point',
      [
        [0, 30],
        [10, 10],
        [30, 21],
        [35, 10],
        [64, 10],
        [65, 10],
      ],
      [
        [0, 'fire', 'orange'],
        [65, 'clear'],
      ],
    ],
    [
      'lowers red to orange after 30 s under 40% LEL, and clears later',
      [
        [0, 55],
        [10, 30],
        [40, 30],
        [50, 5],
        [80, 5],
      ],
      [
        [0, 'fire', 'red'],
        [40, 'fire', 'orange'],
        [80, 'clear'],
      ],
    ],
    [
      'never alarms on an unqualified reading (fault, out of range)',
      [
        [0, 120, 'bad'],
        [1, 60, 'bad'],
      ],
      [],
    ],
  ])('%s', (_name, sequence, expected) => {
    expect(run(sequence)).toEqual(expected);
  });

  it('holds a flapping reading open instead of clearing and firing again', () => {
    const flapping: Array<[number, number]> = [];
    for (let s = 0; s < 300; s += 5) flapping.push([s, s % 10 === 0 ? 26 : 15]);
    expect(run(flapping)).toEqual([[0, 'fire', 'orange']]);
  });

  it('alarms on a reading unqualified only for a side field or its clock, never on one that cannot see', () => {
    const d = new RuleDriver(gasLel, 'gas', registry, config, t0);
    d.at(0, { lel: 60 }, { why: ['fault'] });
    d.at(1, { lel: 60 }, { why: ['ma_out_of_range'] });
    d.at(2, { lel: 60 }, { why: ['lel_out_of_range'] });
    d.at(3, { lel: 60 }, { why: ['battery_out_of_range'] });
    expect(d.seen).toEqual([[3, 'fire', 'red']]);
    // A detector whose clock runs ahead still measures the gas (the engine re-stamps it at arrival).
    const ahead = new RuleDriver(gasLel, 'gas', registry, config, t0);
    expect(ahead.at(4, { lel: 60 }, { why: ['future_ts'] })).toMatchObject({ type: 'fire', severity: 'red' });
  });

  it('rejects a configuration whose red is not above orange', () => {
    expect(gasLel.configSchema.safeParse({ ...config, red: 20 }).success).toBe(false);
  });
});
