/** Axis arithmetic for the dashboard's charts (pure: unit-tested). */

/** Round steps 1, 2, 5 × 10^k giving about `count` ticks over [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const error = raw / mag;
  // The round step nearest to the raw one (on a log scale), as d3's ticks do.
  const step =
    mag * (error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Number(v.toFixed(10)));
  }
  return ticks;
}

/** The extent of the values, widened to include the extras (thresholds) and padded a little. */
export function extent(values: Iterable<number>, extras: number[] = []): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of [...values, ...extras]) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo >= 0 && lo - pad < 0 ? 0 : lo - pad, hi + pad];
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const STEPS = [
  MIN,
  5 * MIN,
  10 * MIN,
  15 * MIN,
  30 * MIN,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
];
/** Asia/Shanghai is UTC+8 all year: ticks fall on round local times. */
const ZONE_OFFSET = 8 * HOUR;

/** Time ticks (epoch ms) on round Asia/Shanghai minutes, hours or days, about `count` of them. */
export function timeTicks(from: number, to: number, count = 6): number[] {
  if (!(to > from)) return [];
  const step =
    STEPS.find((s) => (to - from) / s <= count) ?? Math.ceil((to - from) / count / (24 * HOUR)) * 24 * HOUR;
  const ticks: number[] = [];
  for (let v = Math.ceil((from + ZONE_OFFSET) / step) * step - ZONE_OFFSET; v <= to; v += step) ticks.push(v);
  return ticks;
}

/** A linear map from a domain onto a range. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/**
 * Displacement rate in mm/day from a cumulative displacement series, over a trailing window (default 6 h)
 * so that sensor noise between readings a minute apart does not swamp it.
 */
export function ratePerDay(points: Array<[number, number]>, windowMs = 6 * HOUR): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let j = 0;
  for (let i = 0; i < points.length; i++) {
    const [t, v] = points[i];
    while (j < i && t - points[j][0] > windowMs) j++;
    const [t0, v0] = points[j];
    if (t - t0 < Math.min(windowMs, 10 * MIN) || j === i) continue;
    out.push([t, ((v - v0) / (t - t0)) * 24 * HOUR]);
  }
  return out;
}
