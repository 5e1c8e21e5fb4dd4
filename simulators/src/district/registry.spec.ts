import { readFileSync } from 'node:fs';
import { Registry } from '@lg/registry';
import { distanceToLineM, insidePolygon } from '../models/geo';
import { polyline, positionAt } from '../models/polyline';
import { fleetRoutes } from '../models/routes';
import {
  DEFAULT_REGISTRY_SEED,
  DISTRICT_BOUNDS,
  generateRegistry,
  syntheticDevices,
  withSyntheticDevices,
} from './generate';
import { STREETS } from './geography';

const FILE = 'config/registry/longgang.json';
const registry = Registry.load(FILE);
const data = registry.data;
const devices = (kind: string) => registry.allDevices().filter((d) => d.kind === kind);

function inDistrict(lat: number, lon: number): boolean {
  return (
    lat >= DISTRICT_BOUNDS.minLat &&
    lat <= DISTRICT_BOUNDS.maxLat &&
    lon >= DISTRICT_BOUNDS.minLon &&
    lon <= DISTRICT_BOUNDS.maxLon
  );
}

describe('the Longgang registry fixture', () => {
  it('is exactly what the seeded generator writes (regenerate it rather than edit it)', () => {
    const committed: unknown = JSON.parse(readFileSync(FILE, 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(generateRegistry(DEFAULT_REGISTRY_SEED))));
    expect(data.note).toMatch(/^SYNTHETIC/);
  });

  it('has the 11 streets, 109 communities and their grids, each with duty contacts', () => {
    expect(data.streets.map((s) => s.name)).toEqual(STREETS.map((s) => s.name));
    expect(data.streets.map((s) => s.name.replace('街道', ''))).toEqual([
      '平湖',
      '坂田',
      '布吉',
      '南湾',
      '横岗',
      '龙城',
      '龙岗',
      '坪地',
      '吉华',
      '园山',
      '宝龙',
    ]);
    expect(data.communities).toHaveLength(109);
    for (const c of data.communities) {
      const grids = data.grids.filter((g) => g.community === c.id);
      expect(grids.length).toBeGreaterThanOrEqual(2);
      expect(c.duty.length).toBeGreaterThan(0);
    }
    for (const unit of [
      data.district,
      ...data.streets,
      ...data.communities,
      ...data.grids,
      ...data.companies,
    ]) {
      expect(unit.duty.length).toBeGreaterThan(0);
      for (const d of unit.duty) expect(d.phone).toMatch(/^0755-\d{8}$/);
    }
  });

  it('has 12 companies with 156 hazmat trucks: plates, classes, UN numbers, 10–30 s intervals', () => {
    expect(registry.allCompanies().map((c) => c.id)).toEqual(
      Array.from({ length: 12 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`),
    );
    const trucks = devices('truck');
    expect(trucks).toHaveLength(156);
    expect(new Set(trucks.map((t) => t.plate)).size).toBe(156);
    for (const t of trucks) {
      expect(t.plate).toMatch(/^粤B[A-Z]\d{4}$/);
      expect(t.hazmatClass).toMatch(/^[2-9](\.\d)?$/);
      expect(t.un?.length).toBeGreaterThan(0);
      for (const un of t.un ?? []) expect(un).toMatch(/^\d{4}$/);
      expect(t.intervalSec).toBeGreaterThanOrEqual(10);
      expect(t.intervalSec).toBeLessThanOrEqual(30);
    }
    for (const c of registry.allCompanies()) expect(trucks.some((t) => t.owner === c.id)).toBe(true);
  });

  it('has 32 slope sites with 1–3 sensors each and the buildings each threatens', () => {
    expect(data.slopeSites).toHaveLength(32);
    for (const site of data.slopeSites) {
      const sensors = devices('slope').filter((d) => d.owner === site.id);
      expect(sensors.length).toBeGreaterThanOrEqual(1);
      expect(sensors.length).toBeLessThanOrEqual(3);
      expect(site.buildings.length).toBeGreaterThan(0);
      for (const b of site.buildings) expect(b.occupants).toBeGreaterThan(0);
      expect(registry.gridOf(sensors[0])?.id).toBe(site.grid);
    }
  });

  it('has a few hundred gas detectors on several pipeline networks, each in a grid', () => {
    const gas = devices('gas');
    expect(gas.length).toBeGreaterThanOrEqual(200);
    expect(gas.length).toBeLessThanOrEqual(500);
    expect(data.pipelineNetworks.length).toBeGreaterThanOrEqual(4);
    for (const p of data.pipelineNetworks)
      expect(gas.filter((g) => g.owner === p.id).length).toBeGreaterThan(20);
    for (const g of gas) expect(registry.gridOf(g)).toBeDefined();
  });

  it('has tunnels, water-source areas and school zones, some banned only in time windows', () => {
    const zones = registry.zones();
    for (const type of ['tunnel', 'water_source', 'school'] as const)
      expect(zones.filter((z) => z.type === type).length).toBeGreaterThanOrEqual(2);
    expect(zones.some((z) => z.windows?.some((w) => w.from === '00:00' && w.to === '06:00'))).toBe(true);
    expect(zones.some((z) => !z.windows)).toBe(true);
    for (const z of zones) expect(z.polygon[0]).toEqual(z.polygon[z.polygon.length - 1]);
  });

  it('has expressway corridors at 80 km/h with a half-width', () => {
    const corridors = registry.corridors();
    expect(corridors.length).toBeGreaterThanOrEqual(4);
    for (const c of corridors) expect(c).toMatchObject({ class: 'expressway', limitKmh: 80, halfWidthM: 60 });
  });

  it('keeps the fixture IDs the other tests use', () => {
    for (const id of ['T001', 'T002', 'T003']) expect(registry.device(id)?.owner).toBe('C01');
    for (const id of ['T004', 'T005']) expect(registry.device(id)?.owner).toBe('C02');
    expect(registry.slopeSite('S01')?.grid).toBe('GR-BT11');
    for (const id of ['SL-S01-1', 'SL-S01-2']) expect(registry.device(id)?.owner).toBe('S01');
    for (const id of ['G001', 'G002'])
      expect(registry.device(id)).toMatchObject({ owner: 'P01', grid: 'GR-BJ11' });
    expect(registry.device('G999')).toBeUndefined();
    expect(registry.chainOf(registry.device('G001')!).map((s) => s.unit.id)).toEqual([
      'GR-BJ11',
      'CM-BJ1',
      'ST-BJ',
      'LG',
    ]);
  });

  it('places everything inside the district', () => {
    for (const d of registry.allDevices())
      if (d.lat !== undefined) expect(inDistrict(d.lat, d.lon!)).toBe(true);
    for (const s of data.slopeSites) expect(inDistrict(s.lat, s.lon)).toBe(true);
    for (const z of registry.zones())
      for (const [lon, lat] of z.polygon) expect(inDistrict(lat, lon)).toBe(true);
    for (const c of registry.corridors())
      for (const [lon, lat] of c.polyline) expect(inDistrict(lat, lon)).toBe(true);
  });

  it('lets the demo fleet drive without entering a restricted zone, and only the expressways at 80', () => {
    for (const route of fleetRoutes(registry.corridors())) {
      const line = polyline(route.points);
      for (let d = 0; d <= line.lengthM; d += 20) {
        const p = positionAt(line, d);
        expect(inDistrict(p.lat, p.lon)).toBe(true);
        const zone = registry.zones().find((z) => insidePolygon(p, z.polygon));
        expect(zone && `${route.id} enters ${zone.id} at ${p.lat},${p.lon}`).toBeUndefined();
        if (route.expressway) {
          // The whole expressway route lies in its corridor, so 80 km/h is the limit everywhere on it.
          const own = registry.corridors().find((c) => c.id === route.id)!;
          expect(distanceToLineM(p, own.polyline)).toBeLessThan(own.halfWidthM / 2);
        }
      }
    }
  });
});

describe('synthetic load devices', () => {
  it('are deterministic, owned by registry owners, and load once appended to a registry', () => {
    const extra = syntheticDevices(10, data);
    expect(extra.map((d) => d.id)).toEqual([
      'LT000001',
      'LG000001',
      'LG000002',
      'LG000003',
      'LS000001',
      'LT000002',
      'LG000004',
      'LG000005',
      'LG000006',
      'LS000002',
    ]);
    expect(extra[0].owner).toBe('C01');
    expect(extra[5].owner).toBe('C02');
    const big = Registry.parse(withSyntheticDevices(generateRegistry(), 1000));
    expect(big.allDevices()).toHaveLength(data.devices.length + 1000);
    expect(big.device('LS000200')?.owner).toMatch(/^S\d\d$/);
    expect(big.deviceByTerminal('013900000200')?.id).toBe('LT000200');
  });
});

describe('JT/T 808 identity', () => {
  it('gives every truck a yellow plate and its own terminal number, found in either width', () => {
    const trucks = data.devices.filter((d) => d.kind === 'truck');
    expect(trucks.every((d) => d.plateColor === 2 && /^\d{12}$/.test(d.terminal ?? ''))).toBe(true);
    expect(new Set(trucks.map((d) => d.terminal)).size).toBe(trucks.length);
    expect(trucks[0].terminal).toBe('013807550001');
    expect(registry.deviceByTerminal('013807550001')?.id).toBe('T001');
    expect(registry.deviceByTerminal('00000000013807550156')?.id).toBe('T156');
    expect(registry.deviceByTerminal('013807550999')).toBeUndefined();
    expect(data.devices.filter((d) => d.kind !== 'truck').some((d) => d.terminal !== undefined)).toBe(false);
  });

  it('refuses two devices with one terminal number', () => {
    const copy = structuredClone(data);
    copy.devices[1].terminal = '0' + copy.devices[0].terminal!;
    expect(() => Registry.parse(copy)).toThrow(
      `device ${copy.devices[1].id} has the terminal number of T001`,
    );
  });
});
