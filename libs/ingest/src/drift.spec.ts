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
