import type { DeviceKind, DutyContact } from '@lg/contracts';
import type { Device, Grid, LonLat, RegistryData, RestrictedZone, SlopeSite } from '@lg/registry';
import { distanceM, offsetM, type LatLon } from '../models/geo';
import { seededRandom, seedOf, uniform, type Random } from '../models/random';
import {
  COMPANIES,
  CORRIDOR_HALF_WIDTH_M,
  CORRIDORS,
  EXPRESSWAY_LIMIT_KMH,
  NETWORKS,
  SLOPES_PER_STREET,
  STREETS,
  ZONES,
  type LatLonPair,
  type StreetSpec,
  type ZoneShape,
} from './geography';

/**
 * Generates the synthetic Longgang registry (`config/registry/longgang.json`) from the geography: the
 * responsibility chain (district, 11 streets, 109 communities, their grids, duty contacts), 12 transport
 * companies with 156 hazmat trucks, 32 slope and retaining-wall sites with their sensors and the buildings
 * each threatens, six gas pipeline networks with their detectors, restricted zones and expressway
 * corridors. Pure and seeded: the same seed yields the same registry, byte for byte once formatted.
 *
 * The fixture IDs other tests rely on are pinned: companies C01–C12; trucks T001–T003 of C01 and T004–T005
 * of C02; slope site S01 (grid GR-BT11) with sensors SL-S01-1 and SL-S01-2; pipeline network P01 with
 * detectors G001 and G002 in grid GR-BJ11; G999 is never issued.
 */
export const DEFAULT_REGISTRY_SEED = 2016;

export const DISTRICT_BOUNDS = { minLat: 22.55, maxLat: 22.85, minLon: 114.0, maxLon: 114.45 } as const;

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤';
const GIVEN =
  '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红玲建国文辉鹏飞斌波宇浩凯健俊帆帅旭宁欣悦思雨晨阳婷雪琳燕';

/** Places a slope threatens, and what kind of building stands there. */
const SLOPE_PLACES = ['后山', '村北', '村东', '工业区', '新村', '老村', '学校旁', '水厂旁', '公园', '坡顶'];
const SLOPE_TYPES = ['边坡', '高边坡', '挡土墙', '高切坡'];
const DETECTOR_PLACES = ['调压箱', '阀井', '管廊', '用户引入管', '调压站', '燃气表房', '阀门井'];

interface Ctx {
  rng: Random;
  nextPhone: () => string;
  person: () => string;
}

/**
 * A duty contact. The mobile and e-mail address are derived from the desk phone's serial (no draw from the
 * seeded generator, so adding them changed nothing else): `0755-28901005` → `13807551005`,
 * `duty1005@longgang.example` (a reserved domain: nothing is ever sent to a real address).
 */
function contact(name: string, phone: string, role: string): DutyContact {
  const serial = phone.slice(-4);
  return { name, phone, role, mobile: `1380755${serial}`, email: `duty${serial}@longgang.example` };
}

function pick<T>(rng: Random, items: readonly T[]): T {
  return items[Math.floor(rng.next() * items.length)];
}

const round = (x: number, decimals: number): number => Math.round(x * 10 ** decimals) / 10 ** decimals;
const latLon = ([lat, lon]: LatLonPair): LatLon => ({ lat, lon });

/** A point uniformly within `radiusM` of `centre` (and at least `minM` from it). */
function around(rng: Random, centre: LatLon, radiusM: number, minM = 0): LatLon {
  const r = Math.sqrt(uniform(rng, (minM / radiusM) ** 2, 1)) * radiusM;
  const angle = rng.next() * 2 * Math.PI;
  return offsetM(centre, r * Math.cos(angle), r * Math.sin(angle));
}

function inDistrict(p: LatLon, marginDeg = 0.005): boolean {
  return (
    p.lat >= DISTRICT_BOUNDS.minLat + marginDeg &&
    p.lat <= DISTRICT_BOUNDS.maxLat - marginDeg &&
    p.lon >= DISTRICT_BOUNDS.minLon + marginDeg &&
    p.lon <= DISTRICT_BOUNDS.maxLon - marginDeg
  );
}

/** Polygon ring `[lon, lat]`, closed, of a zone shape. */
export function zonePolygon(shape: ZoneShape): LonLat[] {
  const ring: LatLon[] = [];
  switch (shape.kind) {
    case 'strip': {
      const a = latLon(shape.from);
      const b = latLon(shape.to);
      // Unit vectors along and across the strip, in metres north/east.
      const north = distanceM(a, { lat: b.lat, lon: a.lon }) * Math.sign(b.lat - a.lat);
      const east = distanceM(a, { lat: a.lat, lon: b.lon }) * Math.sign(b.lon - a.lon);
      const len = Math.hypot(north, east);
      const [un, ue] = [north / len, east / len];
      const [pn, pe] = [-ue * shape.halfWidthM, un * shape.halfWidthM];
      ring.push(offsetM(a, pn, pe), offsetM(b, pn, pe), offsetM(b, -pn, -pe), offsetM(a, -pn, -pe));
      break;
    }
    case 'round':
      for (let i = 0; i < shape.sides; i++) {
        const angle = (2 * Math.PI * i) / shape.sides;
        ring.push(
          offsetM(latLon(shape.centre), shape.radiusM * Math.cos(angle), shape.radiusM * Math.sin(angle)),
        );
      }
      break;
    case 'square': {
      const c = latLon(shape.centre);
      const h = shape.halfSideM;
      ring.push(offsetM(c, -h, -h), offsetM(c, -h, h), offsetM(c, h, h), offsetM(c, h, -h));
      break;
    }
  }
  ring.push(ring[0]);
  return ring.map((p) => [round(p.lon, 6), round(p.lat, 6)]);
}

/** Centre of a zone shape, for choosing its grid. */
function zoneCentre(shape: ZoneShape): LatLon {
  if (shape.kind === 'strip') {
    return { lat: (shape.from[0] + shape.to[0]) / 2, lon: (shape.from[1] + shape.to[1]) / 2 };
  }
  return latLon(shape.centre);
}

interface PlacedGrid {
  grid: Grid;
  at: LatLon;
  street: string;
}

/** The registry's fixed anchors: places the pinned fixture devices already use. */
const S01 = { lat: 22.6291, lon: 114.0652 };
const G001 = { lat: 22.6043, lon: 114.1201 };
const G002 = { lat: 22.6071, lon: 114.1238 };

export function generateRegistry(seed = DEFAULT_REGISTRY_SEED): RegistryData {
  const rng = seededRandom(seedOf('longgang-registry', seed));
  let phone = 0;
  const ctx: Ctx = {
    rng,
    nextPhone: () => `0755-2890${String(1000 + phone++).padStart(4, '0')}`,
    person: () =>
      pick(rng, [...SURNAMES]) + pick(rng, [...GIVEN]) + (rng.next() < 0.6 ? pick(rng, [...GIVEN]) : ''),
  };

  const district = {
    id: 'LG',
    name: '龙岗区应急指挥中心',
    duty: [
      contact('区应急指挥中心总值班室', ctx.nextPhone(), '区级值班'),
      contact(ctx.person(), ctx.nextPhone(), '区带班领导'),
    ],
  };

  const streets: RegistryData['streets'] = [];
  const communities: RegistryData['communities'] = [];
  const placedGrids: PlacedGrid[] = [];
  const communityCentres = new Map<string, LatLon>();
  for (const s of STREETS) {
    streets.push({
      id: `ST-${s.code}`,
      name: s.name,
      nameEn: s.nameEn,
      duty: [
        contact(`${s.name}应急办`, ctx.nextPhone(), '街道值班'),
        contact(ctx.person(), ctx.nextPhone(), '街道带班领导'),
      ],
    });
    const centres = placeCommunities(ctx.rng, s);
    s.communities.forEach((name, i) => {
      const id = `CM-${s.code}${i + 1}`;
      communityCentres.set(id, centres[i]);
      communities.push({
        id,
        name: `${name}社区`,
        street: `ST-${s.code}`,
        duty: [contact(`${name}社区工作站值班室`, ctx.nextPhone(), '社区值班')],
      });
      const gridCount = 2 + Math.floor(ctx.rng.next() * 3);
      for (let g = 1; g <= gridCount; g++) {
        // Grid 1 sits on the community centre (the fixtures' slope and detectors are there).
        const at = g === 1 ? centres[i] : around(ctx.rng, centres[i], 700, 250);
        placedGrids.push({
          street: s.code,
          at,
          grid: {
            id: `GR-${s.code}${i + 1}${g}`,
            name: `${name}社区第${g}网格`,
            community: id,
            duty: [contact(ctx.person(), ctx.nextPhone(), '网格员')],
          },
        });
      }
    });
  }
  const nearestGrid = (p: LatLon, street?: string): Grid => {
    let best: PlacedGrid | undefined;
    let bestM = Infinity;
    for (const g of placedGrids) {
      if (street && g.street !== street) continue;
      const d = distanceM(p, g.at);
      if (d < bestM) [best, bestM] = [g, d];
    }
    return best!.grid;
  };

  const companies: RegistryData['companies'] = COMPANIES.map((c, i) => ({
    id: `C${String(i + 1).padStart(2, '0')}`,
    name: c.name,
    nameEn: c.nameEn,
    duty: [
      contact(`${c.short}动态监控中心`, ctx.nextPhone(), '企业监控'),
      contact(ctx.person(), ctx.nextPhone(), '安全负责人'),
    ],
  }));

  const devices: Device[] = [...trucks(ctx)];

  // Slope and retaining-wall sites, with 1–3 sensors each and the buildings each threatens.
  const slopeSites: SlopeSite[] = [];
  let siteNo = 0;
  for (const [code, count] of Object.entries(SLOPES_PER_STREET)) {
    const street = STREETS.find((s) => s.code === code)!;
    for (let k = 0; k < count; k++) {
      siteNo++;
      const id = `S${String(siteNo).padStart(2, '0')}`;
      if (id === 'S01') {
        slopeSites.push({
          id,
          name: '坂田雪象边坡',
          lat: S01.lat,
          lon: S01.lon,
          grid: 'GR-BT11',
          duty: [contact(ctx.person(), ctx.nextPhone(), '边坡责任人')],
          buildings: [
            { id: 'B-S01-1', name: '雪象村12栋', occupants: 86 },
            { id: 'B-S01-2', name: '雪象村13栋', occupants: 64 },
          ],
        });
        devices.push(
          {
            id: 'SL-S01-1',
            kind: 'slope',
            owner: id,
            name: '雪象边坡 GNSS 1',
            lat: 22.6292,
            lon: 114.0651,
            intervalSec: 60,
          },
          {
            id: 'SL-S01-2',
            kind: 'slope',
            owner: id,
            name: '雪象边坡 GNSS 2',
            lat: 22.6289,
            lon: 114.0655,
            intervalSec: 60,
          },
        );
        continue;
      }
      const ci = Math.floor(ctx.rng.next() * street.communities.length);
      const community = street.communities[ci];
      const centre = communityCentres.get(`CM-${code}${ci + 1}`)!;
      let at = around(ctx.rng, centre, 900, 300);
      while (!inDistrict(at)) at = around(ctx.rng, centre, 900, 300);
      const type = pick(ctx.rng, SLOPE_TYPES);
      const place = pick(ctx.rng, SLOPE_PLACES);
      const name = `${community}${place}${type}`;
      const buildings = Array.from({ length: 1 + Math.floor(ctx.rng.next() * 4) }, (_, b) => ({
        id: `B-${id}-${b + 1}`,
        name:
          place === '学校旁' && b === 0
            ? `${community}小学教学楼`
            : place === '工业区'
              ? `${community}工业区${b + 3}号厂房`
              : `${community}${place === '新村' ? '新村' : '村'}${3 + Math.floor(ctx.rng.next() * 40)}栋`,
        occupants: 20 + Math.floor(ctx.rng.next() * 220),
      }));
      slopeSites.push({
        id,
        name,
        lat: round(at.lat, 5),
        lon: round(at.lon, 5),
        grid: nearestGrid(at, code).id,
        duty: [contact(ctx.person(), ctx.nextPhone(), '边坡责任人')],
        buildings,
      });
      const sensors = 1 + Math.floor(ctx.rng.next() * 3);
      for (let n = 1; n <= sensors; n++) {
        const p = around(ctx.rng, at, 60);
        devices.push({
          id: `SL-${id}-${n}`,
          kind: 'slope',
          owner: id,
          name: `${name} ${type === '挡土墙' ? '位移计' : 'GNSS'} ${n}`,
          lat: round(p.lat, 5),
          lon: round(p.lon, 5),
          intervalSec: 60,
        });
      }
    }
  }

  // Gas pipeline networks: mains laid as walks from community centres, a detector every few hundred metres.
  const pipelineNetworks: RegistryData['pipelineNetworks'] = [];
  let detectorNo = 0;
  const nextDetector = (): string => {
    detectorNo++;
    if (detectorNo === 999) detectorNo++; // G999 stays unregistered: tests publish as it.
    return `G${String(detectorNo).padStart(3, '0')}`;
  };
  for (const net of NETWORKS) {
    pipelineNetworks.push({
      id: net.id,
      name: net.name,
      operator: '深圳燃气',
      duty: [contact(`${net.name}调度`, ctx.nextPhone(), '燃气调度')],
    });
    const streetSpecs = net.streets.map((code) => STREETS.find((s) => s.code === code)!);
    const placed: LatLon[] = [];
    if (net.id === 'P01') {
      devices.push(
        {
          id: nextDetector(),
          kind: 'gas',
          owner: 'P01',
          name: '布吉 调压箱 1',
          lat: G001.lat,
          lon: G001.lon,
          grid: 'GR-BJ11',
          intervalSec: 30,
        },
        {
          id: nextDetector(),
          kind: 'gas',
          owner: 'P01',
          name: '布吉 阀井 2',
          lat: G002.lat,
          lon: G002.lon,
          grid: 'GR-BJ11',
          intervalSec: 30,
        },
      );
      placed.push(G001, G002);
    }
    let walk = net.id === 'P01' ? G002 : undefined;
    let heading = ctx.rng.next() * 2 * Math.PI;
    let stepsLeft = 0;
    while (placed.length < net.detectors) {
      if (!walk || stepsLeft <= 0) {
        // A new main from a random community centre of the network's streets.
        const s = pick(ctx.rng, streetSpecs);
        const ci = Math.floor(ctx.rng.next() * s.communities.length);
        walk = communityCentres.get(`CM-${s.code}${ci + 1}`)!;
        heading = ctx.rng.next() * 2 * Math.PI;
        stepsLeft = 6 + Math.floor(ctx.rng.next() * 8);
      }
      heading += (ctx.rng.next() - 0.5) * 0.8;
      const stepM = uniform(ctx.rng, 250, 450);
      const next = offsetM(walk, stepM * Math.cos(heading), stepM * Math.sin(heading));
      const home = streetSpecs.some((s) => distanceM(next, latLon(s.centre)) <= s.radiusKm * 1000 + 1000);
      if (!inDistrict(next) || !home) {
        heading += Math.PI / 2;
        stepsLeft--;
        continue;
      }
      walk = next;
      stepsLeft--;
      if (placed.some((p) => distanceM(p, next) < 120)) continue;
      placed.push(next);
      const id = nextDetector();
      const grid = nearestGrid(next);
      devices.push({
        id,
        kind: 'gas',
        owner: net.id,
        name: `${grid.name.replace(/社区第\d+网格$/, '')} ${pick(ctx.rng, DETECTOR_PLACES)} ${placed.length}`,
        lat: round(next.lat, 5),
        lon: round(next.lon, 5),
        grid: grid.id,
        intervalSec: ctx.rng.next() < 0.8 ? 30 : 60,
      });
    }
  }

  const zones: RestrictedZone[] = ZONES.map((z) => ({
    id: z.id,
    name: z.name,
    type: z.type,
    polygon: zonePolygon(z.shape),
    ...(z.severity ? { severity: z.severity } : {}),
    ...(z.windows ? { windows: z.windows.map((w) => ({ ...w })) } : {}),
    grid: nearestGrid(zoneCentre(z.shape), z.street).id,
  }));

  const corridors: RegistryData['corridors'] = CORRIDORS.map((c) => ({
    id: c.id,
    name: c.name,
    class: 'expressway' as const,
    limitKmh: EXPRESSWAY_LIMIT_KMH,
    polyline: c.points.map(([lat, lon]): LonLat => [lon, lat]),
    halfWidthM: CORRIDOR_HALF_WIDTH_M,
  }));

  return {
    version: 1,
    note:
      'SYNTHETIC demo registry, generated by scripts/registry/generate-longgang.ts (seed ' +
      `${seed}): the 11 streets are Longgang's and the expressways follow the rough course of real ones, but ` +
      'every other name, place, plate, building, contact and phone number is invented for demonstration and ' +
      'testing; it is not district data. Regenerate instead of editing by hand (docs/registry.md).',
    district,
    streets,
    communities,
    grids: placedGrids.map((g) => g.grid),
    companies,
    slopeSites,
    pipelineNetworks,
    devices,
    zones,
    corridors,
  };
}

/** Community centres of a street, at least 450 m apart; community 1 of 坂田 and 布吉 on the fixtures. */
function placeCommunities(rng: Random, s: StreetSpec): LatLon[] {
  const centres: LatLon[] = [];
  for (let i = 0; i < s.communities.length; i++) {
    if (i === 0 && s.code === 'BT') {
      centres.push(S01);
      continue;
    }
    if (i === 0 && s.code === 'BJ') {
      centres.push(G001);
      continue;
    }
    let at = around(rng, latLon(s.centre), s.radiusKm * 1000);
    for (let attempt = 0; attempt < 50; attempt++) {
      if (inDistrict(at) && centres.every((c) => distanceM(c, at) >= 450)) break;
      at = around(rng, latLon(s.centre), s.radiusKm * 1000);
    }
    centres.push({ lat: round(at.lat, 5), lon: round(at.lon, 5) });
  }
  return centres;
}

const PLATE_LETTERS = 'DFGHJKLMNPQRSTUVWXYZ';
const YELLOW_PLATE = 2;

/** The JT/T 808 terminal number (12 digits, a SIM-like 1380755xxxx) of the n-th district truck. */
export function truckTerminal(n: number): string {
  return `01380755${String(n).padStart(4, '0')}`;
}

/** …and of the n-th synthetic load-test truck (LT…): its own range, so the two never meet. */
export function syntheticTerminal(n: number): string {
  return `0139${String(n).padStart(8, '0')}`;
}

/** 156 trucks: T001–T003 of C01 and T004–T005 of C02 first, then each company's remaining trucks in turn. */
function trucks(ctx: Ctx): Device[] {
  const owners: string[] = [];
  const pinned = ['C01', 'C01', 'C01', 'C02', 'C02'];
  owners.push(...pinned);
  COMPANIES.forEach((c, i) => {
    const id = `C${String(i + 1).padStart(2, '0')}`;
    const already = pinned.filter((p) => p === id).length;
    for (let k = already; k < c.trucks; k++) owners.push(id);
  });
  const plates = new Set<string>();
  const perCompany = new Map<string, number>();
  return owners.map((owner, i) => {
    const company = COMPANIES[Number(owner.slice(1)) - 1];
    const n = (perCompany.get(owner) ?? 0) + 1;
    perCompany.set(owner, n);
    const cargo = pick(ctx.rng, company.cargo);
    let plate: string;
    do {
      plate = `粤B${pick(ctx.rng, [...PLATE_LETTERS])}${String(Math.floor(ctx.rng.next() * 10000)).padStart(4, '0')}`;
    } while (plates.has(plate));
    plates.add(plate);
    const id = `T${String(i + 1).padStart(3, '0')}`;
    return {
      id,
      kind: 'truck' as const,
      owner,
      name: `${company.short} ${cargo.vehicle} ${String(n).padStart(2, '0')}`,
      // The pinned fixture trucks keep the 10 s interval the older tests were written against.
      intervalSec: i < 5 ? 10 : pick(ctx.rng, [10, 10, 15, 20, 30]),
      plate,
      // Hazmat trucks are large vehicles: yellow plates. The terminal number is derived from the index,
      // not drawn from the seeded stream, so that adding it left every other generated value as it was.
      plateColor: YELLOW_PLATE,
      terminal: truckTerminal(i + 1),
      hazmatClass: cargo.hazmatClass,
      un: [...cargo.un],
    };
  });
}

/**
 * Devices for load tests beyond the district's fleet: `count` synthetic IDs (`LT000001` trucks,
 * `LG000001` gas detectors, `LS000001` slope sensors, in a 1:3:1 mix), owned in turn by the registry's
 * companies, pipeline networks and slope sites. `load --synthetic` publishes as exactly these, so a
 * registry generated with `--synthetic N` accepts them.
 */
export function syntheticDevices(
  count: number,
  registry: Pick<RegistryData, 'companies' | 'slopeSites' | 'pipelineNetworks'>,
): Device[] {
  const mix: DeviceKind[] = ['truck', 'gas', 'gas', 'gas', 'slope'];
  const owners: Record<DeviceKind, string[]> = {
    truck: registry.companies.map((c) => c.id),
    gas: registry.pipelineNetworks.map((p) => p.id),
    slope: registry.slopeSites.map((s) => s.id),
  };
  const counters: Record<DeviceKind, number> = { truck: 0, gas: 0, slope: 0 };
  const letter: Record<DeviceKind, string> = { truck: 'T', gas: 'G', slope: 'S' };
  const out: Device[] = [];
  for (let i = 0; i < count; i++) {
    const kind = mix[i % mix.length];
    const n = counters[kind]++;
    const list = owners[kind];
    if (list.length === 0) throw new Error(`the registry has no ${kind} owner for synthetic devices`);
    out.push({
      id: `L${letter[kind]}${String(n + 1).padStart(6, '0')}`,
      kind,
      owner: list[n % list.length],
      intervalSec: kind === 'truck' ? 10 : kind === 'gas' ? 30 : 60,
      ...(kind === 'truck' ? { terminal: syntheticTerminal(n + 1) } : {}),
    });
  }
  return out;
}

/** The registry with `count` synthetic load devices appended (fixed ones get a position and a grid). */
export function withSyntheticDevices(
  data: RegistryData,
  count: number,
  seed = DEFAULT_REGISTRY_SEED,
): RegistryData {
  const rng = seededRandom(seedOf('synthetic-devices', seed));
  const grids = data.grids;
  const extra = syntheticDevices(count, data).map((d): Device => {
    if (d.kind === 'truck') return d;
    const p = {
      lat: uniform(rng, DISTRICT_BOUNDS.minLat + 0.02, DISTRICT_BOUNDS.maxLat - 0.02),
      lon: uniform(rng, DISTRICT_BOUNDS.minLon + 0.02, DISTRICT_BOUNDS.maxLon - 0.02),
    };
    return {
      ...d,
      lat: round(p.lat, 5),
      lon: round(p.lon, 5),
      ...(d.kind === 'gas' ? { grid: grids[Math.floor(rng.next() * grids.length)].id } : {}),
    };
  });
  return {
    ...data,
    note: `${data.note ?? ''} With ${count} synthetic load-test devices (L…).`.trim(),
    devices: [...data.devices, ...extra],
  };
}
