import { validateReading } from '@lg/contracts';
import { gasReading, loopCurrentMa, type GasParams } from './gas';
import { seededRandom } from './random';
import {
  creepAt,
  DAY_MS,
  rainAt,
  rainDisplacementAt,
  slopeReading,
  trendAt,
  type SlopeParams,
} from './slope';

const T0 = Date.UTC(2026, 4, 1);
const options = { now: T0 + 100 * DAY_MS, futureToleranceMs: 0 };

// A sensor creeping 0.2 mm a day that does not answer rain; the rain specs add a response to it.
const SLOPE: SlopeParams = {
  baselineTs: T0,
  rateMmPerDay: 0.2,
  noiseMm: 0.05,
  tiltDeg: 0.5,
  tiltRateDegPerDay: 0.0002,
  tiltNoiseDeg: 0.0005,
  weatherSeed: 3,
};

describe('slope creep', () => {
  const params = SLOPE;

  it('creeps at its uniform rate from the baseline', () => {
    expect(creepAt(params, T0)).toBe(0);
    expect(creepAt(params, T0 + 10 * DAY_MS)).toBeCloseTo(2, 9);
    expect(creepAt(params, T0 + DAY_MS / 2)).toBeCloseTo(0.1, 9);
  });

  it('reports displacement around the trend with small noise, every minute for a day', () => {
    const rng = seededRandom(11);
    const start = T0 + 30 * DAY_MS;
    const readings = Array.from({ length: 1440 }, (_, i) => slopeReading(params, start + i * 60_000, rng));
    const residuals = readings.map((r) => r.disp - creepAt(params, r.ts));
    expect(Math.max(...residuals.map(Math.abs))).toBeLessThan(0.3);
    const mean = residuals.reduce((a, b) => a + b, 0) / residuals.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    // The daily rate seen from the first and last hour is the model's rate.
    const firstHour = readings.slice(0, 60).reduce((a, r) => a + r.disp, 0) / 60;
    const lastHour = readings.slice(-60).reduce((a, r) => a + r.disp, 0) / 60;
    expect((lastHour - firstHour) / (23 / 24)).toBeCloseTo(0.2, 1);
    for (const r of readings) {
      expect(validateReading('slope', r, options)).toMatchObject({ ok: true, reading: { bad: [] } });
      expect(r.battery).toBeGreaterThan(70);
      expect(r.battery).toBeLessThanOrEqual(100);
    }
  });

  it('has the same rain for every report of an hour and sensor of a site, and rains sometimes', () => {
    const hour = 3_600_000;
    const start = Math.floor(T0 / hour) * hour;
    expect(rainAt(3, start + 60_000)).toBe(rainAt(3, start + 59 * 60_000));
    const hours = Array.from({ length: 24 * 60 }, (_, i) => rainAt(3, start + i * hour));
    const wet = hours.filter((r) => r > 0).length / hours.length;
    expect(wet).toBeGreaterThan(0.05);
    expect(wet).toBeLessThan(0.25);
    expect(Math.max(...hours)).toBeLessThanOrEqual(10.2);
    expect(Math.min(...hours)).toBe(0);
  });
});

describe('slope response to rain', () => {
  const wet: SlopeParams = { ...SLOPE, rainResponseMmPerMm: 0.004, rainLagHours: 6 };
  const hour = 3_600_000;

  it('moves only with rain, never back, and by the response times the rain once it has soaked in', () => {
    expect(rainDisplacementAt({ ...wet, rainResponseMmPerMm: 0 }, T0 + 10 * DAY_MS)).toBe(0);
    let previous = 0;
    let rain = 0;
    for (let h = 0; h < 20 * 24; h++) {
      const ts = T0 + h * hour + 30 * 60_000;
      const extra = rainDisplacementAt(wet, ts);
      expect(extra).toBeGreaterThanOrEqual(previous - 1e-12);
      previous = extra;
      if (h > 0) rain += rainAt(wet.weatherSeed, T0 + (h - 1) * hour);
    }
    expect(rain).toBeGreaterThan(0);
    // Two dry days later every drop has arrived: the extra displacement is 0.004 mm per mm of rain.
    const later = T0 + 20 * 24 * hour + 48 * hour;
    const total = Array.from({ length: 20 * 24 + 48 }, (_, h) =>
      rainAt(wet.weatherSeed, T0 + h * hour),
    ).reduce((a, b) => a + b, 0);
    expect(rainDisplacementAt(wet, later)).toBeCloseTo(0.004 * total, 2);
    expect(trendAt(wet, later)).toBeCloseTo(creepAt(wet, later) + rainDisplacementAt(wet, later), 9);
  });
});

describe('gas detector', () => {
  const params: GasParams = { gas: 'CH4', zeroLel: 0.4, noiseLel: 0.6, battery: 95 };

  it('maps % LEL to the 4–20 mA loop', () => {
    expect(loopCurrentMa(0)).toBe(4);
    expect(loopCurrentMa(25)).toBe(8);
    expect(loopCurrentMa(50)).toBe(12);
    expect(loopCurrentMa(100)).toBe(20);
  });

  it('reads clean air: 0–3 % LEL with a loop current consistent with it', () => {
    const rng = seededRandom(5);
    for (let i = 0; i < 2000; i++) {
      const r = gasReading(params, T0 + i * 30_000, rng);
      expect(r.lel).toBeGreaterThanOrEqual(0);
      expect(r.lel).toBeLessThanOrEqual(3);
      expect(r.ma).toBeCloseTo(4 + (r.lel / 100) * 16, 2);
      expect(r.gas).toBe('CH4');
      expect(validateReading('gas', r, options)).toMatchObject({ ok: true, reading: { bad: [] } });
    }
  });
});
