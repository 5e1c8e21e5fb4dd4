import { distanceM } from './geo';
import { entryAlongRay, HazardIndex, type HazardArea } from './hazards';

const M_PER_DEG_LAT = 111_195;

const area = (id: string, lat: number, lon: number, radiusM: number, severity: 'orange' | 'red' = 'red') =>
  ({
    id,
    kind: 'gas',
    severity,
    device: id,
    owner: 'P01',
    name: id,
    radiusM,
    points: [{ lat, lon, label: id }],
    since: '2026-05-01T00:00:00.000Z',
  }) satisfies HazardArea;

describe('entryAlongRay', () => {
  it('measures the distance to where a ray enters a circle', () => {
    expect(entryAlongRay(0, 1000, 0, 1, 100)).toBeCloseTo(900);
    // Off to the side by 60 m: enters 80 m before the centre's abeam point.
    expect(entryAlongRay(60, 1000, 0, 1, 100)).toBeCloseTo(920);
  });

  it('never enters a circle behind or beside the path', () => {
    expect(entryAlongRay(0, -1000, 0, 1, 100)).toBe(Infinity);
    expect(entryAlongRay(150, 1000, 0, 1, 100)).toBe(Infinity);
  });
});

describe('HazardIndex', () => {
  const leak = area('G1', 22.7, 114.1, 300);
  const index = new HazardIndex([leak, area('G2', 22.8, 114.3, 100, 'orange')]);

  it('finds the area a truck is inside, with no time to go', () => {
    const hit = index.find({ lat: 22.7 + 200 / M_PER_DEG_LAT, lon: 114.1, lookaheadSec: 180 });
    expect(hit?.area.id).toBe('G1');
    expect(hit?.etaSec).toBe(0);
    expect(hit?.distanceM).toBe(0);
  });

  it('finds the area a truck heads into within the look-ahead, with the time to reach it', () => {
    // 2 km south, driving north at 60 km/h: 1,700 m to the edge, 102 s.
    const south = 22.7 - 2000 / M_PER_DEG_LAT;
    const hit = index.find({ lat: south, lon: 114.1, speedKmh: 60, headingDeg: 0, lookaheadSec: 180 });
    expect(hit?.area.id).toBe('G1');
    expect(hit?.etaSec).toBeCloseTo(102, 0);
    expect(hit?.distanceM).toBeCloseTo(distanceM(south, 114.1, 22.7, 114.1) - 300, 0);
  });

  it('ignores an area the truck drives away from, or cannot reach within the look-ahead', () => {
    const south = 22.7 - 2000 / M_PER_DEG_LAT;
    expect(index.find({ lat: south, lon: 114.1, speedKmh: 60, headingDeg: 180, lookaheadSec: 180 })).toBe(
      undefined,
    );
    expect(index.find({ lat: south, lon: 114.1, speedKmh: 60, headingDeg: 0, lookaheadSec: 60 })).toBe(
      undefined,
    );
    expect(index.find({ lat: south, lon: 114.1, lookaheadSec: 180 })).toBe(undefined);
  });

  it('prefers an area the truck is in over one it heads into, and the most severe of those it is in', () => {
    const inner = area('IN', 22.7, 114.1, 50, 'orange');
    const both = new HazardIndex([area('AHEAD', 22.71, 114.1, 100), inner, leak]);
    const hit = both.find({ lat: 22.7, lon: 114.1, speedKmh: 60, headingDeg: 0, lookaheadSec: 180 });
    expect(hit?.area.id).toBe('G1');
  });

  it('answers nothing far from every area, and nothing when empty', () => {
    expect(index.find({ lat: 22.5, lon: 113.9, speedKmh: 60, headingDeg: 0, lookaheadSec: 180 })).toBe(
      undefined,
    );
    expect(HazardIndex.EMPTY.find({ lat: 22.7, lon: 114.1, lookaheadSec: 180 })).toBe(undefined);
  });

  it('looks an area up by ID', () => {
    expect(index.get('G2')?.severity).toBe('orange');
    expect(index.get('nope')).toBe(undefined);
    expect(index.size).toBe(2);
  });
});
