import { circlePolygon, closureInForce, closureZone, type Closure } from './closures';
import { distanceM, pointInPolygon } from './geo';

const closure: Closure = {
  id: 'CL-1',
  reason: '布吉路燃气泄漏抢修',
  polygon: [
    [114.1, 22.6],
    [114.11, 22.6],
    [114.11, 22.61],
    [114.1, 22.6],
  ],
  severity: 'red',
  from: '2026-05-01T00:00:00.000Z',
  to: '2026-05-01T06:00:00.000Z',
  createdBy: 'operator',
  createdAt: '2026-05-01T00:00:00.000Z',
};

describe('closures', () => {
  it('approximates a circle by a polygon that contains it', () => {
    const ring = circlePolygon(22.6, 114.1, 300);
    expect(ring).toHaveLength(33);
    expect(ring[32]).toEqual(ring[0]);
    // Points 299 m away in several directions are inside; 320 m away, outside.
    for (const deg of [0, 37, 90, 200, 315]) {
      const a = (deg * Math.PI) / 180;
      const at = (m: number): [number, number] => [
        22.6 + (m * Math.cos(a)) / 111_195,
        114.1 + (m * Math.sin(a)) / (111_195 * Math.cos((22.6 * Math.PI) / 180)),
      ];
      const [lat1, lon1] = at(299);
      expect(distanceM(22.6, 114.1, lat1, lon1)).toBeCloseTo(299, -1);
      expect(pointInPolygon(lat1, lon1, ring)).toBe(true);
      expect(pointInPolygon(...at(320), ring)).toBe(false);
    }
  });

  it('is in force inside its window until lifted, and its zone ends when it is lifted', () => {
    expect(closureInForce(closure, Date.parse('2026-05-01T01:00:00Z'))).toBe(true);
    expect(closureInForce(closure, Date.parse('2026-05-01T06:00:00Z'))).toBe(false);
    const lifted = { ...closure, liftedAt: '2026-05-01T02:00:00.000Z', liftedBy: 'operator' };
    expect(closureInForce(lifted, Date.parse('2026-05-01T01:00:00Z'))).toBe(false);
    expect(closureZone(closure)).toMatchObject({
      id: 'CL-1',
      type: 'closure',
      name: '布吉路燃气泄漏抢修',
      validFrom: Date.parse(closure.from),
      validTo: Date.parse(closure.to),
    });
    expect(closureZone(lifted).validTo).toBe(Date.parse('2026-05-01T02:00:00Z'));
  });
});
