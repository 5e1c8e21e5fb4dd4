import { configFor, resolvePack, RuleConfigError } from '../pack';
import { RULES } from '../table';
import { DEVICES, testRegistry } from './testing';

describe('the default rule pack', () => {
  it('has every rule of the domain, each with valid defaults', () => {
    expect(RULES.map((r) => r.name).sort()).toEqual(
      [
        'device.fault',
        'device.offline',
        'gas.lel',
        'slope.displacement',
        'truck.fatigue',
        'truck.moved_offline',
        'truck.near_hazard',
        'truck.offline',
        'truck.overspeed',
        'truck.restricted_zone',
        'truck.sos',
      ].sort(),
    );
    for (const rule of RULES) expect(rule.configSchema.safeParse(rule.defaults).success).toBe(true);
    expect(() => resolvePack()).not.toThrow();
  });

  it('keeps initial states JSON-serialisable', () => {
    for (const rule of RULES) {
      const state = rule.initial();
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    }
  });

  it('applies owner and device overrides over the defaults', () => {
    const pack = resolvePack({
      'slope.displacement': { owners: { S01: { v0MmPerDay: 1.2 } } },
      'truck.overspeed': { config: { roadLimitKmh: 50 }, devices: { T001: { minDurationSec: 20 } } },
    });
    const slope = pack.rules.get('slope.displacement')!;
    expect(configFor(slope, DEVICES.slope)).toMatchObject({ v0MmPerDay: 1.2, clearHours: 24 });
    const overspeed = pack.rules.get('truck.overspeed')!;
    expect(configFor(overspeed, DEVICES.truck)).toMatchObject({ roadLimitKmh: 50, minDurationSec: 20 });
    expect(configFor(overspeed, { ...DEVICES.truck, id: 'T002' })).toMatchObject({ minDurationSec: 30 });
  });

  it('refuses unknown keys and bad values with the rule named', () => {
    expect(() => resolvePack({ 'truck.fatigue': { config: { nightLimitMinutes: 100 } } })).toThrow(
      RuleConfigError,
    );
    expect(() => resolvePack({ 'device.offline': { devices: { G001: { factor: 0 } } } })).toThrow(
      /device\.offline \(device G001\)/,
    );
  });

  it('runs every rule of a kind over a reading without throwing', () => {
    const registry = testRegistry();
    const readings = {
      truck: { lat: 22.7, lon: 114.2, speed: 50, alarm: 0, ignition: true },
      slope: { disp: 1, rain: 0, tilt: 0.5 },
      gas: { lel: 3, ma: 4.5 },
    };
    for (const rule of RULES) {
      for (const kind of rule.kinds) {
        const device = DEVICES[kind];
        const out = rule.evaluate(
          rule.initial(),
          { t: 'r', kind, owner: device.owner, device: device.id, ts: 1, rx: 1, q: 'ok', f: readings[kind] },
          rule.defaults,
          { device, registry },
        );
        expect(out.state).toBeDefined();
      }
    }
  });
});
