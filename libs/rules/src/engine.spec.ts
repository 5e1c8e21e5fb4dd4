import type { Fields } from '@lg/contracts';
import { emptyDeviceState, evaluateReading, nextDeadline, type DeviceRuleState } from './engine';
import { resolvePack } from './pack';
import { DEVICES, record, T0, testRegistry } from './rules/testing';

/**
 * The engine over readings stamped in the future (`future_ts`: a terminal whose clock runs ahead): they are
 * evaluated at their arrival time, the rules that must not miss them (SOS, gas, device faults, signs of
 * life) act on them, threshold rules skip them, and the device's clock never moves into the future.
 */
describe('rule engine: a terminal whose clock runs ahead', () => {
  const registry = testRegistry();
  const pack = resolvePack();
  const FIVE_MIN = 5 * 60_000;
  const P = { lat: 22.7, lon: 114.2, speed: 40, ignition: true };

  /** Feeds readings `[arrival s, stamp s, fields]`, stamped ahead of their arrival (unqualified). */
  function drive(
    kind: 'truck' | 'gas',
    readings: Array<[number, number, Fields]>,
    start: DeviceRuleState = emptyDeviceState(),
  ) {
    let state = start;
    const fired: Array<[string, string, number]> = [];
    const late: number[] = [];
    for (const [arrival, stamp, f] of readings) {
      const rx = T0 + arrival * 1000;
      const ts = T0 + stamp * 1000;
      const ahead = ts > rx + 60_000;
      const r = record(DEVICES[kind], ts, f, { rx, ...(ahead ? { why: ['future_ts'] } : {}) });
      const out = evaluateReading(state, r, { device: DEVICES[kind], registry }, pack);
      if (out.late) late.push(arrival);
      state = out.state;
      for (const e of out.emissions)
        fired.push([e.rule, e.signal.type === 'fire' ? e.signal.severity : 'clear', (e.ts - T0) / 1000]);
    }
    return { state, fired, late };
  }

  it('raises an SOS stamped 5 minutes ahead, at its arrival, with a clock fault, and keeps the clock now', () => {
    const { state, fired } = drive('truck', [[10, 10 + 300, { ...P, alarm: 1 }]]);
    expect(fired).toEqual(
      expect.arrayContaining([
        ['truck.sos', 'red', 10],
        ['device.fault', 'yellow', 10],
      ]),
    );
    expect(state.lastTs).toBe(T0 + 10_000);
    expect(state.ahead).toEqual({ rx: T0 + 10_000, ts: T0 + 310_000 });
  });

  it('names the clock in the device fault, unless clockFault is off', () => {
    const r = record(DEVICES.gas, T0 + FIVE_MIN, { lel: 1 }, { rx: T0, why: ['future_ts'] });
    const on = evaluateReading(emptyDeviceState(), r, { device: DEVICES.gas, registry }, pack);
    const fault = on.emissions.find((e) => e.rule === 'device.fault');
    expect(fault?.signal).toMatchObject({
      type: 'fire',
      severity: 'yellow',
      message: expect.stringContaining('时钟'),
    });
    const off = resolvePack({ 'device.fault': { config: { clockFault: false } } });
    const quiet = evaluateReading(emptyDeviceState(), r, { device: DEVICES.gas, registry }, off);
    expect(quiet.emissions.filter((e) => e.rule === 'device.fault')).toEqual([]);
  });

  it('takes a gas alarm from a detector whose clock runs ahead', () => {
    const { fired } = drive('gas', [
      [0, 0, { lel: 2 }],
      [30, 30 + 600, { lel: 70 }],
    ]);
    expect(fired).toEqual(
      expect.arrayContaining([
        ['gas.lel', 'red', 30],
        ['device.fault', 'yellow', 30],
      ]),
    );
  });

  it('evaluates every reading of a batch from such a clock, once: the SOS in the third is not lost, a replay is late', () => {
    const batch: Array<[number, number, Fields]> = [
      [20, 320, { ...P, alarm: 0 }],
      [20, 321, { ...P, alarm: 0 }],
      [20, 322, { ...P, alarm: 1 }],
    ];
    const first = drive('truck', batch);
    expect(first.late).toEqual([]);
    expect(first.fired).toContainEqual(['truck.sos', 'red', 20]);
    // The same message replayed (a redelivery after a crash): nothing evaluated twice.
    const replay = drive('truck', batch, first.state);
    expect(replay.late).toEqual([20, 20, 20]);
    expect(replay.fired).toEqual([]);
  });

  it('leaves the next correct reading on time, and clears the clock fault with it', () => {
    const { fired, late, state } = drive('truck', [
      [10, 310, { ...P, alarm: 0 }],
      [20, 20, { ...P, alarm: 0 }],
    ]);
    expect(late).toEqual([]);
    expect(fired).toEqual([
      ['device.fault', 'yellow', 10],
      ['device.fault', 'clear', 20],
    ]);
    expect(state.lastTs).toBe(T0 + 20_000);
  });

  it('keeps such readings out of threshold rules', () => {
    // 120 km/h for a minute, every stamp 10 minutes ahead: no overspeed (the speed cannot be placed in time).
    const fast = Array.from({ length: 7 }, (_, i): [number, number, Fields] => [
      i * 10,
      i * 10 + 600,
      { ...P, speed: 120 },
    ]);
    const { fired } = drive('truck', fast);
    expect(fired.filter(([rule]) => rule === 'truck.overspeed')).toEqual([]);
  });

  it('counts them as signs of life from their arrival: the offline deadline is not pushed into the future', () => {
    const { state } = drive('gas', [[0, 900, { lel: 1 }]]);
    const due = nextDeadline(state, { device: DEVICES.gas, registry }, pack);
    // device.offline: 3 × the detector's 30 s, from its arrival.
    expect(due).toBe(T0 + 90_000);
  });
});
