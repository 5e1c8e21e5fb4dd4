import fc from 'fast-check';
import { DriftDetector } from './drift';

const T = Date.parse('2026-05-01T08:00:00Z');
// 0.001° of latitude ≈ 111 m.
const north = (m: number) => 22.7 + m / 111_195;

describe('drift detection', () => {
  it('passes a truck driving at 60 km/h', () => {
    const d = new DriftDetector();
    expect([0, 10, 20].map((s) => d.drifted('T1', T + s * 1000, north((s * 60) / 3.6), 114.2))).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('flags a 500 km jump in 10 s and the jump back, then passes the track again', () => {
    const d = new DriftDetector();
    expect(d.drifted('T1', T, north(0), 114.2)).toBe(false);
    expect(d.drifted('T1', T + 10_000, north(500_000), 114.2)).toBe(true);
    expect(d.drifted('T1', T + 20_000, north(300), 114.2)).toBe(true);
    expect(d.drifted('T1', T + 30_000, north(450), 114.2)).toBe(false);
  });

  it('flags a jump over 1 km in under 10 s, and an implied 200 km/h', () => {
    const d = new DriftDetector();
    d.drifted('T1', T, north(0), 114.2);
    expect(d.drifted('T1', T + 9_000, north(1_100), 114.2)).toBe(true);
    expect(d.drifted('T1', T + 69_000, north(4_500), 114.2)).toBe(true); // 3.4 km in 60 s ≈ 204 km/h
  });

  it('accepts a truck that reappears far away after a long silence', () => {
    const d = new DriftDetector();
    d.drifted('T1', T, north(0), 114.2);
    expect(d.drifted('T1', T + 3_600_000, north(50_000), 114.2)).toBe(false);
  });

  it('ignores late and repeated fixes', () => {
    const d = new DriftDetector();
    d.drifted('T1', T, north(0), 114.2);
    expect(d.drifted('T1', T, north(9_000), 114.2)).toBe(false);
    expect(d.drifted('T1', T - 1000, north(9_000), 114.2)).toBe(false);
  });
});

describe('drift detection: properties', () => {
  const lat = fc.double({ min: 3.85, max: 53.55, noNaN: true });
  const lon = fc.double({ min: 73.55, max: 135.083, noNaN: true });

  it('answers for any fixes in any order, and never flags a late or repeated one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ dt: fc.integer({ min: -600_000, max: 600_000 }), lat, lon }), { maxLength: 60 }),
        (fixes) => {
          const d = new DriftDetector();
          let ts = T;
          let newest = -Infinity;
          for (const f of fixes) {
            ts += f.dt;
            const drifted = d.drifted('T1', ts, f.lat, f.lon);
            expect(typeof drifted).toBe('boolean');
            if (ts <= newest) expect(drifted).toBe(false);
            newest = Math.max(newest, ts);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('flags a 500 km jump within 10 s anywhere in China, and the jump back', () => {
    fc.assert(
      fc.property(
        lat,
        lon,
        fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        (lat0, lon0, bearing, ms) => {
          // 500 km along the bearing (small-angle offset; the distance used is great-circle).
          const dLat = (500_000 * Math.cos(bearing)) / 111_195;
          const dLon = (500_000 * Math.sin(bearing)) / (111_195 * Math.cos((lat0 * Math.PI) / 180));
          const d = new DriftDetector();
          expect(d.drifted('T1', T, lat0, lon0)).toBe(false);
          expect(d.drifted('T1', T + ms, lat0 + dLat, lon0 + dLon)).toBe(true);
          expect(d.drifted('T1', T + 2 * ms, lat0, lon0)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
