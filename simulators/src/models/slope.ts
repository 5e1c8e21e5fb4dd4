import { clamp, gaussian, round, seededRandom, seedOf, type Random } from './random';

/**
 * A slope or retaining-wall sensor in its uniform-deformation stage: cumulative displacement creeps at a
 * steady rate since the baseline, with measurement noise, and moves a little more after rain (water in
 * the soil), with a lag of hours. The trend is a function of time alone, so a restarted simulator
 * continues the same curve instead of starting from zero again.
 */
export interface SlopeParams {
  /** Epoch ms when the sensor's baseline was taken (displacement 0). */
  baselineTs: number;
  /** Uniform-stage creep rate v0, mm/day. */
  rateMmPerDay: number;
  /** Measurement noise (standard deviation), mm. */
  noiseMm: number;
  /** Tilt at the baseline, degrees. */
  tiltDeg: number;
  /** Tilt change, degrees/day (GB 50330 alarms at 0.00008 rad ≈ 0.0046°/day on 3 days running). */
  tiltRateDegPerDay: number;
  tiltNoiseDeg: number;
  /** Seed of the site's weather: sensors of one site share it, so they see the same rain. */
  weatherSeed: number;
  /** Extra displacement per mm of rain, mm (0: the slope ignores rain). */
  rainResponseMmPerMm?: number;
  /** Time constant of the soil's response to rain, hours. */
  rainLagHours?: number;
}

export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Displacement trend of the dry slope, mm. */
export function creepAt(params: SlopeParams, ts: number): number {
  return (params.rateMmPerDay * (ts - params.baselineTs)) / DAY_MS;
}

/** Running total of a site's rain since the baseline, by hour: computed once, then advanced. */
const rainTotals = new Map<string, { hour: number; total: number }>();

/** Rain that fell in the hours before `hour` (not counting it) since the baseline hour, mm. */
function rainBefore(weatherSeed: number, baselineHour: number, hour: number): number {
  const key = `${weatherSeed}:${baselineHour}`;
  let cursor = rainTotals.get(key);
  if (!cursor || cursor.hour > hour) cursor = { hour: baselineHour, total: 0 };
  let { hour: h, total } = cursor;
  for (; h < hour; h++) total += rainAt(weatherSeed, h * HOUR_MS);
  if (rainTotals.size > 10_000) rainTotals.clear();
  rainTotals.set(key, { hour: h, total });
  return total;
}

/**
 * Extra displacement from rain, mm: each hour's rain adds `rainResponseMmPerMm` per mm, arriving with the
 * soil's lag (1 − e^(−t/τ)) after the hour ends. A wet day shows as a bump in the displacement rate.
 */
export function rainDisplacementAt(params: SlopeParams, ts: number): number {
  const perMm = params.rainResponseMmPerMm ?? 0;
  if (perMm <= 0 || ts <= params.baselineTs) return 0;
  const tauMs = (params.rainLagHours ?? 8) * HOUR_MS;
  const baselineHour = Math.floor(params.baselineTs / HOUR_MS);
  const hour = Math.floor(ts / HOUR_MS);
  let total = rainBefore(params.weatherSeed, baselineHour, hour);
  // Hours whose rain has not fully arrived yet: the last few time constants.
  const recent = Math.ceil((6 * tauMs) / HOUR_MS);
  for (let h = Math.max(baselineHour, hour - recent); h < hour; h++) {
    const rain = rainAt(params.weatherSeed, h * HOUR_MS);
    if (rain > 0) total -= rain * Math.exp(-(ts - (h + 1) * HOUR_MS) / tauMs);
  }
  return perMm * total;
}

/** Displacement trend without noise, mm: creep plus the response to rain. */
export function trendAt(params: SlopeParams, ts: number): number {
  return creepAt(params, ts) + rainDisplacementAt(params, ts);
}

/**
 * Rain in the hour before `ts`, mm: about one hour in eight is wet, showers of up to ~10 mm. Deterministic in
 * the hour and the site so that every sensor of a site, and every report within the hour, agree.
 */
export function rainAt(weatherSeed: number, ts: number): number {
  const hour = Math.floor(ts / HOUR_MS);
  const rng = seededRandom(seedOf(weatherSeed, hour));
  if (rng.next() > 0.12) return 0;
  return round(0.2 + 10 * rng.next() ** 2, 1);
}

/** Solar-charged battery: fuller in the afternoon, lower before dawn (Shenzhen is UTC+8). */
export function solarBatteryAt(ts: number, rng: Random): number {
  const localHour = (((ts / HOUR_MS + 8) % 24) + 24) % 24;
  return round(
    clamp(88 + 8 * Math.sin((2 * Math.PI * (localHour - 9)) / 24) + gaussian(rng) * 0.3, 0, 100),
    1,
  );
}

export interface SlopeReading {
  ts: number;
  disp: number;
  tilt: number;
  rain: number;
  battery: number;
}

export function slopeReading(params: SlopeParams, ts: number, rng: Random): SlopeReading {
  const days = (ts - params.baselineTs) / DAY_MS;
  return {
    ts,
    disp: round(trendAt(params, ts) + gaussian(rng) * params.noiseMm, 2),
    tilt: round(params.tiltDeg + params.tiltRateDegPerDay * days + gaussian(rng) * params.tiltNoiseDeg, 4),
    rain: rainAt(params.weatherSeed, ts),
    battery: solarBatteryAt(ts, rng),
  };
}
