import { truckFatigue, type TruckFatigueConfig } from './truck-fatigue';
import { at, RuleDriver, testRegistry } from './testing';

const defaults = truckFatigue.defaults as TruckFatigueConfig;

const registry = testRegistry();
const MIN = 60;

/**
 * A day of driving as segments of minutes: `['drive', 90]` one fix a minute at 60 km/h, `['stop', 19]` one
 * fix a minute at 0 km/h, `['silent', 25]` no fix at all. Returns the signals as `[HH:MM, type, severity?]`.
 */
type Segment = ['drive' | 'stop' | 'silent', number];

function day(start: string, segments: Segment[], config?: TruckFatigueConfig) {
  const origin = at(start);
  const d = new RuleDriver(truckFatigue, 'truck', registry, config ?? defaults, origin);
  let minute = 0;
  for (const [what, minutes] of segments) {
    if (what === 'silent') {
      minute += minutes;
      continue;
    }
    for (let i = 0; i < minutes; i++, minute++) {
      d.at(minute * MIN, { lat: 22.7, lon: 114.2, speed: what === 'drive' ? 60 : 0 });
    }
  }
  return d.seen.map(([s, ...rest]) => [clock(origin + s * 1000), ...rest]);
}

function clock(ts: number): string {
  return new Date(ts + 8 * 3_600_000).toISOString().slice(11, 16);
}

describe('truck.fatigue', () => {
  it('warns 15 min before 4 h by day and goes orange once over 4 h (exactly 4 h is not over)', () => {
    expect(day('08:00', [['drive', 242]])).toEqual([
      ['11:45', 'fire', 'blue'],
      ['12:01', 'fire', 'orange'],
    ]);
  });

  it('holds the 2 h limit at night', () => {
    expect(day('23:00', [['drive', 122]])).toEqual([
      ['00:45', 'fire', 'blue'],
      ['01:01', 'fire', 'orange'],
    ]);
  });

  it('applies the night limit to the whole drive once it runs past 22:00', () => {
    expect(day('20:30', [['drive', 125]])).toEqual([
      ['22:15', 'fire', 'blue'],
      ['22:31', 'fire', 'orange'],
    ]);
  });

  it('goes back to the day limit after 06:00 without lowering a warning already given', () => {
    expect(day('04:10', [['drive', 245]])).toEqual([
      ['05:55', 'fire', 'blue'],
      ['08:11', 'fire', 'orange'],
    ]);
  });

  it('does not reset on a 19-minute rest', () => {
    expect(
      day('08:00', [
        ['drive', 230],
        ['stop', 19],
        ['drive', 20],
      ]),
    ).toEqual([
      ['11:45', 'fire', 'blue'],
      // 230 min up to the first stopped fix (11:50) + 11 min after moving off at 12:09; the stop is not driving
      ['12:20', 'fire', 'orange'],
    ]);
  });

  it('resets on a 20-minute rest', () => {
    expect(
      day('08:00', [
        ['drive', 220],
        ['stop', 20],
        ['drive', 220],
      ]),
    ).toEqual([]);
  });

  it('clears after a rest of 20 min, counted from the first stopped fix', () => {
    expect(
      day('08:00', [
        ['drive', 242],
        ['stop', 25],
      ]),
    ).toEqual([
      ['11:45', 'fire', 'blue'],
      ['12:01', 'fire', 'orange'],
      ['12:22', 'clear'],
    ]);
  });

  it('counts a silence while stopped as rest', () => {
    expect(
      day('08:00', [
        ['drive', 242],
        ['stop', 1],
        ['silent', 20],
        ['drive', 30],
      ]),
    ).toEqual([
      ['11:45', 'fire', 'blue'],
      ['12:01', 'fire', 'orange'],
      ['12:23', 'clear'],
    ]);
  });

  it('counts a short silence while moving as driving and a long one as a rest', () => {
    expect(
      day('08:00', [
        ['drive', 200],
        ['silent', 25],
        ['drive', 30],
      ]),
    ).toEqual([
      ['11:45', 'fire', 'blue'],
      ['12:01', 'fire', 'orange'],
    ]);
    expect(
      day('08:00', [
        ['drive', 200],
        ['silent', 31],
        ['drive', 60],
      ]),
    ).toEqual([]);
  });

  it('treats ignition off as stopped and skips unqualified fixes', () => {
    const d = new RuleDriver(truckFatigue, 'truck', registry, truckFatigue.defaults, at('08:00'));
    for (let m = 0; m <= 230; m++) d.at(m * MIN, { lat: 22.7, lon: 114.2, speed: 60 });
    d.at(231 * MIN, { lat: 22.7, lon: 114.2, speed: 8, ignition: false });
    d.at(241 * MIN, { lat: 0, lon: 0, speed: 300 }, { why: ['speed_out_of_range'] });
    d.at(252 * MIN, { lat: 22.7, lon: 114.2, speed: 60, ignition: true });
    expect(d.seen).toEqual([
      [225 * MIN, 'fire', 'blue'],
      [252 * MIN, 'clear'],
    ]);
    expect((d.state as { drivenMs: number }).drivenMs).toBe(0);
  });

  it('rejects a warning margin as long as a limit', () => {
    expect(truckFatigue.configSchema.safeParse({ ...defaults, warnBeforeMin: 120 }).success).toBe(false);
    expect(truckFatigue.configSchema.safeParse({ ...defaults, nightFrom: '24:00' }).success).toBe(false);
  });
});
