import type { LonLat, RestrictedZone } from '@lg/registry';
import { truckRestrictedZone, type TruckRestrictedZoneConfig } from './truck-restricted-zone';
import { at, RuleDriver, testRegistry } from './testing';

const defaults = truckRestrictedZone.defaults as TruckRestrictedZoneConfig;

const square = (lon: number, lat: number, size = 0.01): LonLat[] => [
  [lon, lat],
  [lon + size, lat],
  [lon + size, lat + size],
  [lon, lat + size],
  [lon, lat],
];

const school: RestrictedZone = {
  id: 'Z-SCH',
  name: '龙岗中心小学',
  type: 'school',
  polygon: square(114.1, 22.7),
  severity: 'orange',
  windows: [{ from: '07:00', to: '08:30' }],
};
const nightBan: RestrictedZone = {
  id: 'Z-NIGHT',
  name: '龙岗大道夜间禁行段',
  type: 'other',
  polygon: square(114.2, 22.7),
  windows: [{ from: '22:00', to: '06:00' }],
};
const tunnel: RestrictedZone = {
  id: 'Z-TUN',
  name: '布吉隧道',
  type: 'tunnel',
  polygon: square(114.3, 22.7),
};
const reservoir: RestrictedZone = {
  id: 'Z-WS',
  name: '深圳水库水源保护区',
  type: 'water_source',
  polygon: square(114.305, 22.705),
  severity: 'yellow',
};

const registry = testRegistry({ zones: [school, nightBan, tunnel, reservoir] });
const IN_SCHOOL = { lat: 22.705, lon: 114.105, speed: 30 };
const IN_NIGHT_BAN = { lat: 22.705, lon: 114.205, speed: 30 };
const IN_TUNNEL = { lat: 22.702, lon: 114.302, speed: 30 };
const IN_BOTH = { lat: 22.708, lon: 114.308, speed: 30 }; // tunnel (red) and reservoir (yellow)
const OUTSIDE = { lat: 22.69, lon: 114.15, speed: 30 };

type Fix = [number, typeof OUTSIDE];

function drive(fixes: Fix[], origin = at('12:00'), config?: TruckRestrictedZoneConfig) {
  const d = new RuleDriver(truckRestrictedZone, 'truck', registry, config ?? defaults, origin);
  for (const [s, where] of fixes) d.at(s, where);
  return d;
}

describe('truck.restricted_zone', () => {
  it('ignores a single fix inside (GNSS jitter)', () => {
    expect(
      drive([
        [0, OUTSIDE],
        [10, IN_TUNNEL],
        [20, OUTSIDE],
        [30, OUTSIDE],
      ]).seen,
    ).toEqual([]);
  });

  it('fires on the second consecutive fix inside, red by default, naming the zone', () => {
    const d = drive([
      [0, IN_TUNNEL],
      [5, IN_TUNNEL],
    ]);
    expect(d.seen).toEqual([[5, 'fire', 'red']]);
    expect(d.lastFire()?.message).toContain('禁行隧道「布吉隧道」');
    expect(d.lastFire()).toMatchObject({ value: '布吉隧道', location: { lat: 22.702, lon: 114.302 } });
  });

  it('confirms by 10 s inside when more fixes are required', () => {
    const config = { ...defaults, enterFixes: 5 };
    expect(
      drive(
        [
          [0, IN_TUNNEL],
          [4, IN_TUNNEL],
          [8, IN_TUNNEL],
          [12, IN_TUNNEL],
        ],
        at('12:00'),
        config,
      ).seen,
    ).toEqual([[12, 'fire', 'red']]);
  });

  it("uses the zone's own severity and its time window", () => {
    expect(
      drive(
        [
          [0, IN_SCHOOL],
          [10, IN_SCHOOL],
        ],
        at('07:30'),
      ).seen,
    ).toEqual([[10, 'fire', 'orange']]);
    expect(
      drive(
        [
          [0, IN_SCHOOL],
          [10, IN_SCHOOL],
        ],
        at('12:00'),
      ).seen,
    ).toEqual([]);
  });

  it('holds a ban whose window wraps midnight on both sides of it, and not by day', () => {
    const twoFixes = (origin: number) =>
      drive(
        [
          [0, IN_NIGHT_BAN],
          [10, IN_NIGHT_BAN],
        ],
        origin,
      ).seen;
    expect(twoFixes(at('23:30'))).toEqual([[10, 'fire', 'red']]);
    expect(twoFixes(at('05:50'))).toEqual([[10, 'fire', 'red']]);
    expect(twoFixes(at('06:00'))).toEqual([]);
    expect(twoFixes(at('12:00'))).toEqual([]);
    // 21:59:50 is before the window: the fix at 22:00:00 is the first one that counts.
    expect(
      drive(
        [
          [0, IN_NIGHT_BAN],
          [10, IN_NIGHT_BAN],
          [20, IN_NIGHT_BAN],
        ],
        at('21:59') + 50_000,
      ).seen,
    ).toEqual([[20, 'fire', 'red']]);
  });

  it('clears after 10 s outside, not before, and a fix back inside restarts the count', () => {
    expect(
      drive([
        [0, IN_TUNNEL],
        [5, IN_TUNNEL],
        [10, OUTSIDE],
        [15, IN_TUNNEL],
        [20, OUTSIDE],
        [29, OUTSIDE],
        [30, OUTSIDE],
      ]).seen,
    ).toEqual([
      [5, 'fire', 'red'],
      [30, 'clear'],
    ]);
  });

  it('clears when the ban window closes while the truck is still inside', () => {
    expect(
      drive(
        [
          [0, IN_NIGHT_BAN],
          [10, IN_NIGHT_BAN],
          [20, IN_NIGHT_BAN],
          [30, IN_NIGHT_BAN],
          [40, IN_NIGHT_BAN],
        ],
        at('05:59') + 30_000,
      ).seen,
    ).toEqual([
      [10, 'fire', 'red'],
      [40, 'clear'],
    ]);
  });

  it('names the most severe of overlapping zones and follows the truck into another zone', () => {
    const d = drive([
      [0, IN_BOTH],
      [10, IN_BOTH],
      [20, { lat: 22.712, lon: 114.312, speed: 30 }], // reservoir only
    ]);
    expect(d.seen).toEqual([
      [10, 'fire', 'red'],
      [20, 'fire', 'yellow'],
    ]);
    expect(d.lastFire()?.message).toContain('水源保护区「深圳水库水源保护区」');
  });

  it('skips unqualified fixes', () => {
    const d = new RuleDriver(
      truckRestrictedZone,
      'truck',
      registry,
      truckRestrictedZone.defaults,
      at('12:00'),
    );
    d.at(0, IN_TUNNEL);
    d.at(5, { lat: 0, lon: 0, speed: 0 }, { why: ['lat_out_of_range', 'lon_out_of_range'] });
    expect(d.seen).toEqual([]);
    d.at(10, IN_TUNNEL);
    expect(d.seen).toEqual([[10, 'fire', 'red']]);
  });

  it('enforces a temporary closure inside its validity, and clears once it is lifted', () => {
    const d = new RuleDriver(truckRestrictedZone, 'truck', registry, defaults, at('12:00'));
    const origin = at('12:00');
    d.closures = [
      {
        id: 'CL-1',
        name: '燃气抢修封闭',
        type: 'closure',
        polygon: square(114.15, 22.68),
        severity: 'orange',
        validFrom: origin + 30_000,
        validTo: origin + 600_000,
      },
    ];
    const IN_CLOSURE = { lat: 22.685, lon: 114.155, speed: 20 };
    d.at(0, IN_CLOSURE);
    d.at(10, IN_CLOSURE); // before it is in force
    expect(d.seen).toEqual([]);
    d.at(30, IN_CLOSURE);
    d.at(35, IN_CLOSURE);
    expect(d.seen).toEqual([[35, 'fire', 'orange']]);
    expect(d.lastFire()?.message).toContain('临时封闭区域「燃气抢修封闭」');
    // Lifted at 60 s: the zone's validity ends there, and the truck is let go 10 s later.
    d.closures = [{ ...d.closures[0], validTo: origin + 60_000 }];
    d.at(60, IN_CLOSURE);
    d.at(70, IN_CLOSURE);
    expect(d.seen.at(-1)).toEqual([70, 'clear']);
    expect(d.signals.at(-1)?.signal.message).toContain('燃气抢修封闭');
  });
});
