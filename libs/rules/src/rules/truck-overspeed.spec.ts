import type { RoadCorridor } from '@lg/registry';
import { truckOverspeed, type TruckOverspeedConfig } from './truck-overspeed';
import { RuleDriver, testRegistry, type Seen } from './testing';

const defaults = truckOverspeed.defaults as TruckOverspeedConfig;

/** An expressway along latitude 22.70 (lon 114.10–114.30), 50 m either side, 80 km/h. */
const expressway: RoadCorridor = {
  id: 'EX1',
  name: '水官高速',
  class: 'expressway',
  limitKmh: 80,
  halfWidthM: 50,
  polyline: [
    [114.1, 22.7],
    [114.2, 22.7],
    [114.3, 22.7],
  ],
};
const registry = testRegistry({ corridors: [expressway] });
const ON_EXPRESSWAY = { lat: 22.7003, lon: 114.15 }; // ~33 m off the centre line
const ORDINARY_ROAD = { lat: 22.72, lon: 114.15 }; // ~2.2 km away

type Speed = [second: number, kmh: number];

/** Feeds `[second, speed]` fixes at one place and returns what the rule signalled. */
function drive(fixes: Speed[], where = ORDINARY_ROAD, config?: TruckOverspeedConfig) {
  const d = new RuleDriver(truckOverspeed, 'truck', registry, config ?? defaults);
  for (const [s, speed] of fixes) d.at(s, { ...where, speed });
  return d;
}

describe('truck.overspeed', () => {
  it.each<[string, Speed[], Seen[]]>([
    [
      'does not fire after exactly 30 s over the limit',
      [
        [0, 65],
        [10, 65],
        [20, 65],
        [30, 65],
        [31, 55],
      ],
      [],
    ],
    [
      'starts orange above 1.2× the limit',
      [
        [0, 73],
        [31, 73],
      ],
      [[31, 'fire', 'orange']],
    ],
    [
      'starts red above 1.5× the limit',
      [
        [0, 91],
        [31, 91],
      ],
      [[31, 'fire', 'red']],
    ],
    [
      'starts yellow at exactly 1.2 × 60 = 72',
      [
        [0, 72],
        [31, 72],
      ],
      [[31, 'fire', 'yellow']],
    ],
    [
      'raises at once within an established overspeed, lowers only after 30 s under the band',
      [
        [0, 65],
        [31, 65],
        [40, 95],
        [50, 75],
        [79, 75],
        [80, 75],
        [90, 65],
        [119, 65],
        [120, 65],
      ],
      [
        [31, 'fire', 'yellow'],
        [40, 'fire', 'red'],
        [80, 'fire', 'orange'],
        [120, 'fire', 'yellow'],
      ],
    ],
    [
      'clears only after 30 s at or under the limit (hysteresis)',
      [
        [0, 70],
        [40, 70],
        [50, 60],
        [60, 50],
        [79, 50],
        [80, 50],
      ],
      [
        [40, 'fire', 'yellow'],
        [80, 'clear'],
      ],
    ],
    [
      'restarts the 30 s when a fix under the limit interrupts the overspeed',
      [
        [0, 70],
        [20, 55],
        [30, 70],
        [60, 70],
        [61, 70],
      ],
      [[61, 'fire', 'yellow']],
    ],
    [
      'does not bridge a gap between fixes longer than maxGapSec',
      [
        [0, 70],
        [100, 70],
        [130, 70],
        [131, 70],
      ],
      [[131, 'fire', 'yellow']],
    ],
  ])('on an ordinary road (60 km/h): %s', (_name, fixes, expected) => {
    expect(drive(fixes).seen).toEqual(expected);
  });

  it('fires yellow once the overspeed has lasted 31 s', () => {
    const d = drive([
      [0, 65],
      [30, 65],
      [31, 65],
    ]);
    expect(d.seen).toEqual([[31, 'fire', 'yellow']]);
    expect(d.lastFire()).toMatchObject({ value: 65, threshold: 60, location: ORDINARY_ROAD });
    expect(d.lastFire()?.message).toContain('普通道路限速 60 km/h');
  });

  it('applies 80 km/h inside an expressway corridor and 60 km/h on other roads', () => {
    const at75: Speed[] = [0, 10, 20, 30, 40].map((s) => [s, 75]);
    expect(drive(at75, ON_EXPRESSWAY).seen).toEqual([]);
    expect(drive(at75, ORDINARY_ROAD).seen).toEqual([[40, 'fire', 'orange']]);
    const d = drive(
      [0, 10, 20, 30, 40].map((s) => [s, 85]),
      ON_EXPRESSWAY,
    );
    expect(d.seen).toEqual([[40, 'fire', 'yellow']]);
    expect(d.lastFire()).toMatchObject({ threshold: 80 });
    expect(d.lastFire()?.message).toContain('水官高速');
  });

  it('keeps one alert while the speed flaps around the limit', () => {
    const fixes: Speed[] = [];
    for (let s = 0; s <= 300; s += 10) fixes.push([s, s < 40 || s % 20 === 0 ? 66 : 58]);
    expect(drive(fixes).seen).toEqual([[40, 'fire', 'yellow']]);
  });

  it('skips unqualified fixes', () => {
    const d = new RuleDriver(truckOverspeed, 'truck', registry);
    d.at(0, { ...ORDINARY_ROAD, speed: 70 });
    d.at(20, { lat: 0, lon: 0, speed: 200 }, { why: ['lat_out_of_range', 'speed_out_of_range'] });
    d.at(40, { ...ORDINARY_ROAD, speed: 170 }, { why: ['speed_out_of_range'] });
    expect(d.seen).toEqual([]);
    d.at(41, { ...ORDINARY_ROAD, speed: 70 });
    expect(d.seen).toEqual([[41, 'fire', 'yellow']]);
  });

  it('honours per-company limits and durations', () => {
    const config = {
      ...defaults,
      roadLimitKmh: 50,
      minDurationSec: 10,
    };
    expect(
      drive(
        [
          [0, 55],
          [11, 55],
        ],
        ORDINARY_ROAD,
        config,
      ).seen,
    ).toEqual([[11, 'fire', 'yellow']]);
  });

  it('rejects a red ratio not above the orange one', () => {
    expect(truckOverspeed.configSchema.safeParse({ ...defaults, redRatio: 1.1 }).success).toBe(false);
  });
});
