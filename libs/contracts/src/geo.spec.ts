import type { LonLat, RoadCorridor } from './map';
import { corridorAt, distanceM, distanceToPolylineM, inCorridor, pointInPolygon, speedLimitAt } from './geo';

describe('geo', () => {
  it('measures great-circle distances', () => {
    // 0.01° of latitude ≈ 1112 m anywhere; 0.01° of longitude ≈ 1026 m at 22.7° N
    expect(distanceM(22.7, 114.2, 22.71, 114.2)).toBeCloseTo(1112, 0);
    expect(distanceM(22.7, 114.2, 22.7, 114.21)).toBeCloseTo(1025.8, 0);
    expect(distanceM(22.7, 114.2, 22.7, 114.2)).toBe(0);
  });

  it('tests points against a concave polygon', () => {
    // An L shape: the notch at the top right is outside.
    const ring: LonLat[] = [
      [114.0, 22.0],
      [114.2, 22.0],
      [114.2, 22.1],
      [114.1, 22.1],
      [114.1, 22.2],
      [114.0, 22.2],
    ];
    expect(pointInPolygon(22.05, 114.05, ring)).toBe(true);
    expect(pointInPolygon(22.05, 114.15, ring)).toBe(true);
    expect(pointInPolygon(22.15, 114.05, ring)).toBe(true);
    expect(pointInPolygon(22.15, 114.15, ring)).toBe(false); // the notch
    expect(pointInPolygon(22.3, 114.05, ring)).toBe(false);
    expect(pointInPolygon(0, 0, ring)).toBe(false);
  });

  it('measures the distance to a polyline, segment ends included', () => {
    const line: LonLat[] = [
      [114.1, 22.7],
      [114.2, 22.7],
    ];
    expect(distanceToPolylineM(22.7009, 114.15, line)).toBeCloseTo(100, -1);
    // beyond the end: the distance to the end point
    expect(distanceToPolylineM(22.7, 114.21, line)).toBeCloseTo(distanceM(22.7, 114.21, 22.7, 114.2), -1);
  });

  it('finds the corridor a point lies in, preferring the higher limit where they overlap', () => {
    const road = (id: string, limitKmh: number, halfWidthM: number): RoadCorridor => ({
      id,
      name: id,
      class: 'expressway',
      limitKmh,
      halfWidthM,
      polyline: [
        [114.1, 22.7],
        [114.2, 22.7],
      ],
    });
    const narrow = road('narrow', 80, 30);
    const wide = road('wide', 100, 200);
    expect(inCorridor(22.7002, 114.15, narrow)).toBe(true); // 22 m
    expect(inCorridor(22.7004, 114.15, narrow)).toBe(false); // 44 m
    expect(corridorAt(22.7002, 114.15, [narrow, wide])?.id).toBe('wide');
    expect(corridorAt(22.7004, 114.15, [narrow])).toBeUndefined();
    expect(corridorAt(22.7, 114.05, [narrow, wide])).toBeUndefined();
  });

  it('gives a truck the limit of the corridor it is on, and the road limit elsewhere', () => {
    const road: LonLat[] = [
      [114.1, 22.6],
      [114.2, 22.6],
    ];
    const expressway: RoadCorridor = {
      id: 'E1',
      name: 'E1',
      class: 'expressway',
      limitKmh: 80,
      polyline: road,
      halfWidthM: 150,
    };
    // 0.001° of latitude ≈ 111 m from the centre line: inside; 0.01° ≈ 1.1 km: outside.
    expect(speedLimitAt(22.601, 114.15, [expressway], 60)).toBe(80);
    expect(speedLimitAt(22.61, 114.15, [expressway], 60)).toBe(60);
    // The road limit is the rule's, whatever it is set to.
    expect(speedLimitAt(22.61, 114.15, [expressway], 50)).toBe(50);
    expect(speedLimitAt(22.601, 114.15, [], 50)).toBe(50);
  });
});
