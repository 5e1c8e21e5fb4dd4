import { DEFAULT_SCORECARD_SETTINGS, scorecardSettings } from './settings';
import { analyseTrack, haversineM, type Fix } from './track';

/** Along a meridian the haversine distance is R × Δφ: 0.001° of latitude is 111.19508 m (R = 6 371 008.8 m). */
const M = 111.19508;
const T0 = Date.parse('2026-05-01T00:00:00Z');
const LON = 114.2;
const fix = (sec: number, lat: number, speed: number): Fix => ({ ts: T0 + sec * 1000, lat, lon: LON, speed });

const { track, drift } = DEFAULT_SCORECARD_SETTINGS;

describe('haversine', () => {
  it('measures 0.001° of latitude as 111.195 m and is symmetric', () => {
    expect(haversineM(22.7, LON, 22.701, LON)).toBeCloseTo(M, 3);
    expect(haversineM(22.701, LON, 22.7, LON)).toBeCloseTo(M, 3);
    // One degree of longitude at 22.7° N: 111.195 km × cos 22.7° ≈ 102.58 km.
    expect(haversineM(22.7, 114, 22.7, 115) / 1000).toBeCloseTo(102.58, 1);
  });
});

describe('analyseTrack', () => {
  // f0–f2 and f4–f5: 10 s apart, 0.001° each (40 km/h): complete.
  // f3: 0.05° (5.56 km) in 10 s → 2001 km/h: drifted; f4 comes back 0.049° in 10 s: drifted too.
  // f5 → f6: 420 s while moving (30 km/h) > 300 s: a time gap of 0.001°.
  // f6 → f7: 0.02° (2.22 km) in 120 s (66.7 km/h, plausible) > 1 km: a distance gap.
  // f7 → f8: 10 s, same place. f8 → f9: 600 s parked (speed 0, 1.1 m): not a gap.
  const fixes = [
    fix(0, 22.7, 40),
    fix(10, 22.701, 40),
    fix(20, 22.702, 40),
    fix(30, 22.752, 40),
    fix(40, 22.703, 40),
    fix(50, 22.704, 40),
    fix(470, 22.705, 30),
    fix(590, 22.725, 60),
    fix(600, 22.725, 0),
    fix(1200, 22.72501, 0),
  ];

  it('splits the mileage into complete track and gaps, leaving drifted segments out', () => {
    const a = analyseTrack(fixes, track, drift);
    expect(a.fixes).toBe(10);
    // complete: 3 segments of M, 0 m, 0.01 M = 3.01 M; gaps: M + 20 M; total 24.01 M.
    expect(a.completeM).toBeCloseTo(3.01 * M, 1);
    expect(a.mileageM).toBeCloseTo(24.01 * M, 1);
    expect(a.completeM / a.mileageM).toBeCloseTo(3.01 / 24.01, 6);
    expect(a.gaps.map((g) => [g.reason, Math.round(g.distanceM), g.seconds])).toEqual([
      ['time', Math.round(M), 420],
      ['distance', Math.round(20 * M), 120],
    ]);
    expect(a.drifts.map((d) => [d.ts - T0, d.reason, Math.round(d.impliedKmh ?? 0)])).toEqual([
      [30_000, 'speed', Math.round(((50 * M) / 10) * 3.6)],
      [40_000, 'speed', Math.round(((49 * M) / 10) * 3.6)],
    ]);
    expect(a.drifts[0]).toMatchObject({ prevTs: T0 + 20_000, prevLat: 22.702, lat: 22.752, seconds: 10 });
  });

  it('sorts the fixes by time first', () => {
    const shuffled = [...fixes].reverse();
    expect(analyseTrack(shuffled, track, drift)).toEqual(analyseTrack(fixes, track, drift));
  });

  it('takes its point rules from the settings', () => {
    const relaxed = scorecardSettings({ track: { gapTimeSec: 600, gapDistanceM: 3000 } });
    const a = analyseTrack(fixes, relaxed.track, relaxed.drift);
    expect(a.gaps).toEqual([]);
    expect(a.completeM).toBeCloseTo(a.mileageM, 6);
  });

  it('flags a jump of more than jumpM in under jumpSec even below the speed limit', () => {
    const s = scorecardSettings({ drift: { maxSpeedKmh: 1000, jumpM: 1000, jumpSec: 10 } });
    const a = analyseTrack([fix(0, 22.7, 40), fix(5, 22.71, 40), fix(20, 22.72, 40)], s.track, s.drift);
    // 0.01° (1.11 km) in 5 s: a jump; then 0.01° in 15 s (267 km/h < 1000, 15 s ≥ 10 s): a distance gap.
    expect(a.drifts.map((d) => [d.ts - T0, d.reason])).toEqual([[5000, 'jump']]);
    expect(a.gaps.map((g) => g.reason)).toEqual(['distance']);
    expect(a.mileageM).toBeCloseTo(10 * M, 1);
    expect(a.completeM).toBe(0);
  });

  it('ignores a repeated fix and has nothing to say about fewer than two', () => {
    expect(analyseTrack([fix(0, 22.7, 0), fix(0, 22.7, 0)], track, drift)).toMatchObject({
      mileageM: 0,
      gaps: [],
      drifts: [],
    });
    expect(analyseTrack([], track, drift)).toEqual({
      fixes: 0,
      mileageM: 0,
      completeM: 0,
      gaps: [],
      drifts: [],
    });
  });
});
