import { HazardIndex, type Alert, type HazardArea } from '@lg/contracts';
import { hazardAreaOf } from '../hazard-areas';
import { Registry } from '@lg/registry';
import { truckNearHazard, type TruckNearHazardConfig } from './truck-near-hazard';
import { RuleDriver, testRegistry } from './testing';

const defaults = truckNearHazard.defaults as TruckNearHazardConfig;
const M_PER_DEG_LAT = 111_195;
const LEAK = { lat: 22.7, lon: 114.1 };
const leak: HazardArea = {
  id: 'A-GAS',
  kind: 'gas',
  severity: 'red',
  device: 'G001',
  owner: 'P01',
  name: '坂田燃气调压站',
  radiusM: 300,
  points: [{ ...LEAK, label: '坂田燃气调压站' }],
  since: '2026-05-01T00:00:00.000Z',
};
const withLeak = new HazardIndex([leak], '1');
const ended = new HazardIndex([], '2');

/** A fix `m` metres north of the leak (negative: south), driving north at `speed` km/h. */
const north = (m: number, speed = 36) => ({
  lat: LEAK.lat + m / M_PER_DEG_LAT,
  lon: LEAK.lon,
  speed,
  heading: 0,
});

function driver(hazards: HazardIndex | undefined = withLeak) {
  const d = new RuleDriver(truckNearHazard, 'truck', testRegistry(), defaults);
  d.hazards = hazards;
  return d;
}

describe('truck.near_hazard', () => {
  it('warns a truck heading into a hazard before it gets there, then alerts red inside, clears after', () => {
    const d = driver();
    // 36 km/h = 10 m/s: 2,500 m south is 220 s from the edge (beyond the 180 s look-ahead).
    d.at(0, north(-2500));
    expect(d.seen).toEqual([]);
    d.at(60, north(-1900)); // 160 s from the edge
    expect(d.seen).toEqual([[60, 'fire', 'orange']]);
    expect(d.lastFire()?.message).toContain('坂田燃气调压站');
    expect(d.lastFire()?.message).toContain('分钟后驶入');
    d.at(70, north(-1800)); // still heading in: no new signal
    expect(d.seen).toHaveLength(1);
    d.at(230, north(-200));
    expect(d.seen).toEqual([
      [60, 'fire', 'orange'],
      [230, 'fire', 'red'],
    ]);
    d.at(260, north(100));
    d.at(290, north(400)); // out, driving away: clear only after 10 s clear of it
    expect(d.seen).toHaveLength(2);
    d.at(295, north(450));
    expect(d.seen).toHaveLength(2);
    d.at(300, north(500));
    expect(d.seen.at(-1)).toEqual([300, 'clear']);
  });

  it('does not look ahead for a truck standing still (its heading is noise)', () => {
    const d = driver();
    d.at(0, north(-400, 0));
    d.at(10, { ...north(-400, 3), heading: 0 });
    expect(d.seen).toEqual([]);
    d.at(20, north(-250, 0));
    expect(d.seen).toEqual([[20, 'fire', 'red']]);
  });

  it('clears at the next tick when the hazard ends, even if the truck sends nothing', () => {
    const d = driver();
    d.at(0, north(0, 0));
    expect(d.seen).toEqual([[0, 'fire', 'red']]);
    expect(d.deadline()).toBe(d.origin + 5000);
    d.tickAt(5); // the hazard is still there: check again later
    expect(d.seen).toHaveLength(1);
    expect(d.deadline()).toBe(d.origin + 10_000);
    d.hazards = ended;
    d.tickAt(10);
    expect(d.seen.at(-1)).toEqual([10, 'clear']);
    expect(d.signals.at(-1)?.signal.message).toContain('已解除');
    expect(d.deadline()).toBe(null);
  });

  it('clears at the next fix when the hazard has ended, without waiting for exitSec', () => {
    const d = driver();
    d.at(0, north(0, 0));
    d.hazards = ended;
    d.at(1, north(0, 0));
    expect(d.seen).toEqual([
      [0, 'fire', 'red'],
      [1, 'clear'],
    ]);
  });

  it('skips unqualified fixes and costs nothing without hazards', () => {
    const d = driver();
    d.at(0, north(0), { why: ['lat_out_of_range'] });
    expect(d.seen).toEqual([]);
    for (const hazards of [HazardIndex.EMPTY, undefined]) {
      const none = driver();
      none.hazards = hazards;
      none.at(0, north(0));
      expect(none.seen).toEqual([]);
      expect(none.deadline()).toBe(null);
    }
  });
});

describe('hazardAreaOf', () => {
  const registry = Registry.parse({
    ...testRegistry().data,
    slopeSites: testRegistry().data.slopeSites.map((s) =>
      s.id === 'S01'
        ? { ...s, buildings: [{ id: 'B1', name: '雪象村12栋', lat: 22.63, lon: 114.066 }, s.buildings[1]] }
        : s,
    ),
    devices: testRegistry().data.devices.map((d) => (d.id === 'G001' ? { ...d, lat: 22.7, lon: 114.1 } : d)),
  });
  const alert = (rule: string, severity: Alert['severity'], device: string, owner: string): Alert => ({
    id: `A-${rule}`,
    rule,
    severity,
    active: true,
    acknowledged: false,
    kind: rule.startsWith('gas') ? 'gas' : 'slope',
    owner,
    device,
    message: '',
    value: null,
    threshold: null,
    openedAt: '2026-05-01T00:00:00.000Z',
    updatedAt: '2026-05-01T00:00:00.000Z',
    count: 1,
    escalation: { level: 'grid', since: '2026-05-01T00:00:00.000Z', notify: [] },
  });

  it('covers a red slope site and the evacuated buildings with coordinates', () => {
    const area = hazardAreaOf(alert('slope.displacement', 'red', 'SL01', 'S01'), registry, defaults);
    expect(area?.kind).toBe('slope');
    expect(area?.radiusM).toBe(150);
    expect(area?.points.map((p) => p.label)).toEqual(['雪象边坡', '雪象村12栋']);
  });

  it('sizes a gas area by severity, and defines none below orange, for a slope below red, or once cleared', () => {
    expect(hazardAreaOf(alert('gas.lel', 'red', 'G001', 'P01'), registry, defaults)?.radiusM).toBe(300);
    expect(hazardAreaOf(alert('gas.lel', 'orange', 'G001', 'P01'), registry, defaults)?.radiusM).toBe(100);
    expect(hazardAreaOf(alert('gas.lel', 'yellow', 'G001', 'P01'), registry, defaults)).toBe(null);
    expect(hazardAreaOf(alert('slope.displacement', 'orange', 'SL01', 'S01'), registry, defaults)).toBe(null);
    const cleared = { ...alert('gas.lel', 'red', 'G001', 'P01'), active: false };
    expect(hazardAreaOf(cleared, registry, defaults)).toBe(null);
  });
});
