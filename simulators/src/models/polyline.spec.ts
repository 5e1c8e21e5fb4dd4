import { bearingDeg, distanceM } from './geo';
import { polyline, positionAt } from './polyline';

describe('polyline', () => {
  // Two segments: east along the equator-ish latitude of Longgang, then north.
  const line = polyline([
    { lat: 22.7, lon: 114.2 },
    { lat: 22.7, lon: 114.21 },
    { lat: 22.71, lon: 114.21 },
  ]);

  it('measures its length as the sum of its segments', () => {
    const east = distanceM({ lat: 22.7, lon: 114.2 }, { lat: 22.7, lon: 114.21 });
    const north = distanceM({ lat: 22.7, lon: 114.21 }, { lat: 22.71, lon: 114.21 });
    expect(east).toBeCloseTo(1026, -1); // 0.01° of longitude at 22.7° N ≈ 1.03 km
    expect(north).toBeCloseTo(1112, -1); // 0.01° of latitude ≈ 1.11 km
    expect(line.lengthM).toBeCloseTo(east + north, 6);
  });

  it('finds the point at a distance, with the bearing of its segment', () => {
    const mid = positionAt(line, line.cumulative[1] / 2);
    expect(mid.lat).toBeCloseTo(22.7, 9);
    expect(mid.lon).toBeCloseTo(114.205, 6);
    expect(mid.segmentBearing).toBeCloseTo(90, 1);
    const later = positionAt(line, line.cumulative[1] + 100);
    expect(later.lon).toBeCloseTo(114.21, 9);
    expect(distanceM({ lat: 22.7, lon: 114.21 }, later)).toBeCloseTo(100, 0);
    expect(later.segmentBearing).toBeCloseTo(0, 1);
  });

  it('clamps to its ends', () => {
    expect(positionAt(line, -50)).toMatchObject({ lat: 22.7, lon: 114.2 });
    expect(positionAt(line, line.lengthM + 50)).toMatchObject({ lat: 22.71, lon: 114.21 });
  });

  it('refuses a degenerate line', () => {
    expect(() => polyline([{ lat: 22.7, lon: 114.2 }])).toThrow('at least two points');
    expect(() =>
      polyline([
        { lat: 22.7, lon: 114.2 },
        { lat: 22.7, lon: 114.2 },
      ]),
    ).toThrow('must have a length');
  });

  it('computes bearings clockwise from north', () => {
    const o = { lat: 22.7, lon: 114.2 };
    expect(bearingDeg(o, { lat: 22.71, lon: 114.2 })).toBeCloseTo(0, 3);
    expect(bearingDeg(o, { lat: 22.7, lon: 114.21 })).toBeCloseTo(90, 1);
    expect(bearingDeg(o, { lat: 22.69, lon: 114.2 })).toBeCloseTo(180, 3);
    expect(bearingDeg(o, { lat: 22.7, lon: 114.19 })).toBeCloseTo(270, 1);
  });
});
