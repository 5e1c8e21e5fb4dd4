import type { ReadingRecord } from '@lg/contracts';
import { Registry, type Device } from '@lg/registry';
import { gasLel, type GasLelConfig, type GasLelState } from './gas-lel';

const device: Device = { id: 'G001', kind: 'gas', owner: 'P01', intervalSec: 30 };
const config = gasLel.defaults as GasLelConfig;
const registry = Registry.load('config/registry/longgang.json');
const t0 = Date.parse('2026-05-01T08:00:00Z');

function reading(secondsIn: number, lel: number, q: 'ok' | 'bad' = 'ok'): ReadingRecord {
  return {
    t: 'r',
    kind: 'gas',
    owner: 'P01',
    device: 'G001',
    ts: t0 + secondsIn * 1000,
    rx: 0,
    q,
    f: { lel },
  };
}

/** Feeds readings in order and returns the signals, as `[second, type, severity?]`. */
function run(sequence: Array<[number, number, ('ok' | 'bad')?]>): Array<[number, string, string?]> {
  let state = gasLel.initial() as GasLelState;
  const out: Array<[number, string, string?]> = [];
  for (const [s, lel, q] of sequence) {
    const r = gasLel.evaluate(state, reading(s, lel, q), config, { device, registry });
    state = r.state as GasLelState;
    if (r.signal) out.push(r.signal.type === 'fire' ? [s, 'fire', r.signal.severity] : [s, 'clear']);
  }
  return out;
}

describe('gas.lel', () => {
  it('stays quiet under 25% LEL', () => {
    expect(
      run([
        [0, 0],
        [1, 10],
        [2, 24.9],
      ]),
    ).toEqual([]);
  });

  it('fires orange at 25% and red at 50% at once', () => {
    expect(
      run([
        [0, 25],
        [1, 49],
        [2, 50],
      ]),
    ).toEqual([
      [0, 'fire', 'orange'],
      [2, 'fire', 'red'],
    ]);
  });

  it('fires red directly when the first reading is 60%', () => {
    expect(run([[0, 60]])).toEqual([[0, 'fire', 'red']]);
  });

  it('clears only after 30 s under 80% of the threshold (20% LEL)', () => {
    expect(
      run([
        [0, 30],
        [10, 19],
        [39, 19],
        [40, 19],
      ]),
    ).toEqual([
      [0, 'fire', 'orange'],
      [40, 'clear'],
    ]);
  });

  it('does not clear while the reading hovers between 20% and 25% (hysteresis)', () => {
    expect(
      run([
        [0, 30],
        [10, 22],
        [60, 21],
        [120, 24],
      ]),
    ).toEqual([[0, 'fire', 'orange']]);
  });

  it('restarts the clearing window when the reading climbs back over the release point', () => {
    expect(
      run([
        [0, 30],
        [10, 10],
        [30, 21],
        [35, 10],
        [64, 10],
        [65, 10],
      ]),
    ).toEqual([
      [0, 'fire', 'orange'],
      [65, 'clear'],
    ]);
  });

  it('holds a flapping reading open instead of clearing and firing again', () => {
    const flapping: Array<[number, number]> = [];
    for (let s = 0; s < 300; s += 5) flapping.push([s, s % 10 === 0 ? 26 : 15]);
    expect(run(flapping)).toEqual([[0, 'fire', 'orange']]);
  });

  it('lowers red to orange after 30 s under 40% LEL, and clears later', () => {
    expect(
      run([
        [0, 55],
        [10, 30],
        [40, 30],
        [50, 5],
        [80, 5],
      ]),
    ).toEqual([
      [0, 'fire', 'red'],
      [40, 'fire', 'orange'],
      [80, 'clear'],
    ]);
  });

  it('never alarms on an unqualified reading (fault, out of range)', () => {
    expect(
      run([
        [0, 120, 'bad'],
        [1, 60, 'bad'],
      ]),
    ).toEqual([]);
  });

  it('alarms on a reading unqualified only for a side field or its clock, never on one that cannot see', () => {
    const at = (secondsIn: number, lel: number, why: string[]): ReadingRecord => ({
      ...reading(secondsIn, lel, 'bad'),
      why,
    });
    let state = gasLel.initial() as GasLelState;
    const signals: string[] = [];
    for (const r of [
      at(0, 60, ['fault']),
      at(1, 60, ['ma_out_of_range']),
      at(2, 60, ['lel_out_of_range']),
      at(3, 60, ['battery_out_of_range']),
    ]) {
      const out = gasLel.evaluate(state, r, config, { device, registry });
      state = out.state as GasLelState;
      if (out.signal?.type === 'fire') signals.push(`${(r.ts - t0) / 1000}:${out.signal.severity}`);
    }
    expect(signals).toEqual(['3:red']);
    // A detector whose clock runs ahead still measures the gas (the engine re-stamps it at arrival).
    const ahead = gasLel.evaluate(gasLel.initial(), at(4, 60, ['future_ts']), config, { device, registry });
    expect(ahead.signal).toMatchObject({ type: 'fire', severity: 'red' });
  });

  it('rejects a configuration whose red is not above orange', () => {
    expect(gasLel.configSchema.safeParse({ ...config, red: 20 }).success).toBe(false);
  });
});
