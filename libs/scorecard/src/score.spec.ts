import {
  CUTOFFS,
  pointsOf,
  ratesOf,
  regionalOf,
  regionalPoints,
  scoreOf,
  totalOf,
  WEIGHTS,
  type Tallies,
} from './score';

const HOUR = 3_600_000;

/** A company whose every rate is perfect and that had no overspeed or fatigue. */
const perfect: Tallies = {
  registered: 10,
  onNetwork: 10,
  online: 10,
  drifted: 0,
  records: 1000,
  qualified: 1000,
  mileageM: 100_000,
  completeM: 100_000,
  overspeeds: 0,
  fatigueMs: 0,
};
const noAverage = { overspeedsPerVehicle: 0, fatigueHoursPerVehicle: 0 };

describe('regionalPoints (overspeeds and fatigue per vehicle against the regional average a)', () => {
  it('follows the three pieces of the formula, 0–20 points', () => {
    const a = 2;
    expect(regionalPoints(0, a)).toBe(20); // 10 + (2 − 0)/2 × 10
    expect(regionalPoints(1, a)).toBe(15); // 10 + (2 − 1)/2 × 10
    expect(regionalPoints(2, a)).toBe(10); // x = a: 10 + 0
    expect(regionalPoints(3, a)).toBe(5); // (4 − 3)/2 × 10
    expect(regionalPoints(3.9, a)).toBeCloseTo(0.5, 10); // (4 − 3.9)/2 × 10
    expect(regionalPoints(4, a)).toBe(0); // x = 2a
    expect(regionalPoints(7, a)).toBe(0);
  });

  it('gives 20 when nobody had any (a = 0) and 0 without vehicles online', () => {
    expect(regionalPoints(0, 0)).toBe(20);
    expect(regionalPoints(null, 2)).toBe(0);
  });
});

describe('points and cut-offs', () => {
  // Each weight is pinned by its item's own case below (rate × weight at stated rates); here, that a
  // perfect company earns every item's whole weight, and that they add up to the regulator's 100.
  it('gives the full 100 to a perfect company with full duty-check marks', () => {
    expect(pointsOf(perfect, noAverage, 1)).toEqual(WEIGHTS);
    expect(scoreOf(perfect, noAverage, 1)).toBe(100);
  });

  it('network access: rate × 5 from 90 %, 0 below', () => {
    expect(pointsOf({ ...perfect, onNetwork: 9 }, noAverage, 1).access).toBeCloseTo(4.5, 10); // exactly 90 %
    expect(pointsOf({ ...perfect, registered: 11, onNetwork: 10 }, noAverage, 1).access).toBeCloseTo(
      4.5454545455,
      10,
    ); // 90.9 %
    expect(pointsOf({ ...perfect, registered: 10, onNetwork: 8, online: 8 }, noAverage, 1).access).toBe(0); // 80 %
    expect(ratesOf({ ...perfect, onNetwork: 8 }).access).toBe(0.8);
  });

  it('online rate: rate × 5 without a cut-off', () => {
    expect(pointsOf({ ...perfect, online: 5 }, noAverage, 1).online).toBe(2.5);
  });

  it('track completeness: rate × 15 from 70 %, 0 below', () => {
    expect(pointsOf({ ...perfect, completeM: 70_000 }, noAverage, 1).completeness).toBeCloseTo(10.5, 10);
    expect(pointsOf({ ...perfect, completeM: 69_999 }, noAverage, 1).completeness).toBe(0);
    expect(pointsOf({ ...perfect, completeM: 95_000 }, noAverage, 1).completeness).toBeCloseTo(14.25, 10);
  });

  it('data qualification: rate × 15 from 80 %, 0 below', () => {
    expect(pointsOf({ ...perfect, qualified: 800 }, noAverage, 1).qualification).toBeCloseTo(12, 10);
    expect(pointsOf({ ...perfect, qualified: 799 }, noAverage, 1).qualification).toBe(0);
  });

  it('drift: 10 − rate × 10 up to 5 %, 0 above', () => {
    const t = { ...perfect, registered: 20, onNetwork: 20, online: 20 };
    expect(pointsOf({ ...t, drifted: 1 }, noAverage, 1).drift).toBeCloseTo(9.5, 10); // exactly 5 %
    expect(pointsOf({ ...t, drifted: 2 }, noAverage, 1).drift).toBe(0); // 10 %
    expect(
      pointsOf({ ...t, registered: 100, onNetwork: 100, online: 100, drifted: 1 }, noAverage, 1).drift,
    ).toBeCloseTo(9.9, 10);
    expect(CUTOFFS).toEqual({ access: 0.9, completeness: 0.7, qualification: 0.8, drift: 0.05 });
  });

  it('duty check: rate × 10', () => {
    expect(pointsOf(perfect, noAverage, 0.85).dutyCheck).toBeCloseTo(8.5, 10);
  });

  it('treats empty denominators: nothing online is 0 points, no mileage while online is full completeness', () => {
    const silent: Tallies = {
      ...perfect,
      onNetwork: 0,
      online: 0,
      records: 0,
      qualified: 0,
      mileageM: 0,
      completeM: 0,
    };
    expect(ratesOf(silent)).toEqual({
      access: 0,
      online: null,
      completeness: null,
      qualification: null,
      drift: null,
    });
    expect(pointsOf(silent, noAverage, 1)).toEqual({
      access: 0,
      online: 0,
      completeness: 0,
      qualification: 0,
      drift: 0,
      overspeed: 0,
      fatigue: 0,
      dutyCheck: 10,
    });
    const parked = { ...perfect, mileageM: 0, completeM: 0 };
    expect(pointsOf(parked, noAverage, 1).completeness).toBe(15);
  });

  it('scores without cut-offs on request (to rank repairs a cut-off hides)', () => {
    expect(pointsOf({ ...perfect, qualified: 500 }, noAverage, 1, { cutoffs: false }).qualification).toBe(
      7.5,
    );
  });
});

describe('a district of two companies, computed by hand', () => {
  // A: 10 registered and on the network, 8 online, 950/1000 records qualified, 190/200 km complete,
  //    4 overspeeds, 4 h of fatigue driving.
  const a: Tallies = {
    registered: 10,
    onNetwork: 10,
    online: 8,
    drifted: 0,
    records: 1000,
    qualified: 950,
    mileageM: 200_000,
    completeM: 190_000,
    overspeeds: 4,
    fatigueMs: 4 * HOUR,
  };
  // B: 5 registered, 4 on the network and online, 70/100 qualified, 6/10 km complete, 1 of 4 drifted,
  //    12 overspeeds, no fatigue.
  const b: Tallies = {
    registered: 5,
    onNetwork: 4,
    online: 4,
    drifted: 1,
    records: 100,
    qualified: 70,
    mileageM: 10_000,
    completeM: 6000,
    overspeeds: 12,
    fatigueMs: 0,
  };

  it('computes the regional averages per vehicle online', () => {
    const r = regionalOf([a, b]);
    expect(r.overspeedsPerVehicle).toBeCloseTo(16 / 12, 10);
    expect(r.fatigueHoursPerVehicle).toBeCloseTo(4 / 12, 10);
  });

  it('scores A at 78.75 and B at 30', () => {
    const r = regionalOf([a, b]);
    const pa = pointsOf(a, r, 1);
    // access 1 × 5; online 0.8 × 5; completeness 0.95 × 15; qualification 0.95 × 15; drift 0;
    // overspeeds 0.5/vehicle ≤ a = 1.333: 10 + (1.333 − 0.5)/1.333 × 10 = 16.25;
    // fatigue 0.5 h/vehicle, a = 0.333 < x < 2a: (0.667 − 0.5)/0.333 × 10 = 5; duty check 10.
    expect(pa.access).toBe(5);
    expect(pa.online).toBe(4);
    expect(pa.completeness).toBeCloseTo(14.25, 10);
    expect(pa.qualification).toBeCloseTo(14.25, 10);
    expect(pa.drift).toBe(10);
    expect(pa.overspeed).toBeCloseTo(16.25, 10);
    expect(pa.fatigue).toBeCloseTo(5, 10);
    expect(pa.dutyCheck).toBe(10);
    expect(totalOf(pa)).toBeCloseTo(78.75, 10);

    // access 0.8 < 90 % → 0; online 1 → 5; completeness 0.6 < 70 % → 0; qualification 0.7 < 80 % → 0;
    // drift 25 % > 5 % → 0; overspeeds 3/vehicle ≥ 2a → 0; fatigue 0 → 20; duty check 0.5 → 5.
    const pb = pointsOf(b, r, 0.5);
    expect(pb).toEqual({
      access: 0,
      online: 5,
      completeness: 0,
      qualification: 0,
      drift: 0,
      overspeed: 0,
      fatigue: 20,
      dutyCheck: 5,
    });
    expect(totalOf(pb)).toBe(30);
  });
});
