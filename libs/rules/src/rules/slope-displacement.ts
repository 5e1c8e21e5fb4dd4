import { z } from 'zod';
import { severityRank, type AlertAction, type Severity } from '@lg/contracts';
import { defineRule, type RuleContext } from '../rule';
import { DAY_MS, HOUR_MS, localDay, MINUTE_MS } from '../local-time';
import { holdLevel, initialHold, type LevelHold } from './level-hold';

/**
 * slope.displacement — slope and retaining-wall displacement by the improved tangent-angle method, with
 * the GB 50330-2013 rate rule and heavy rain.
 *
 * - v, the current displacement rate (mm/day): least-squares slope of the cumulative displacement `disp`
 *   over the last `windowHours` (6 h), from readings averaged per `sampleMinutes` (30 min) so that sensor
 *   noise does not read as acceleration. No rate until the readings span the window.
 * - α = atan(v / v0), v0 the slope's rate in its uniform-deformation stage (`v0MmPerDay`, 0.5 mm/day; set
 *   it per slope site with an owner override). α ≈ 45° is the uniform stage: blue from `blueDeg` (40°),
 *   yellow (early acceleration) from `yellowDeg` (50°), orange (mid acceleration) from `orangeDeg` (80°),
 *   red (critical sliding) from `redDeg` (85°). The blue band straddles 45° by ±5° so that a slope creeping
 *   at its uniform rate sits in blue and measurement noise does not flip it into yellow.
 * - GB 50330-2013: displacement growing more than `gbMmPerDay` (2 mm) on each of `gbDays` (3) consecutive
 *   local days → at least yellow. A day's growth is its last reading minus the previous day's last; today
 *   counts once its growth so far exceeds the limit, and a run that ended yesterday still holds today.
 * - Heavy rain: `heavyRainMm` (50 mm) or more in the last 24 h raises a level by one (rain alone, with no
 *   level from deformation, raises nothing). Rain is integrated from `rain` (mm in the last hour) over time.
 *
 * Rises at once; lowers or clears only when the measured level stayed below the alert's level for
 * `clearHours` (24 h), stepping down one level at a time as each is left for that long. Red carries an
 * `evacuate` action naming the buildings the slope site threatens (空楼行动). Unqualified readings are
 * skipped.
 */
export const slopeDisplacementConfig = z
  .object({
    /** Uniform-stage displacement rate v0, mm/day. */
    v0MmPerDay: z.number().positive().max(1000),
    /** Rate window, hours. */
    windowHours: z.number().positive().max(168),
    /** Readings are averaged per this many minutes before the rate fit. */
    sampleMinutes: z.number().positive().max(1440),
    /** Tangent-angle band edges, degrees. */
    blueDeg: z.number().gt(0).lt(90),
    yellowDeg: z.number().gt(0).lt(90),
    orangeDeg: z.number().gt(0).lt(90),
    redDeg: z.number().gt(0).lt(90),
    /** GB 50330: daily displacement growth limit, mm/day… */
    gbMmPerDay: z.number().positive().max(1000),
    /** …exceeded on this many consecutive days. */
    gbDays: z.number().int().min(1).max(14),
    /** Rain in 24 h that raises the level by one, mm. */
    heavyRainMm: z.number().positive().max(2000),
    /** Hours below a level before the alert lowers from it or clears. */
    clearHours: z.number().nonnegative().max(720),
  })
  .strict()
  .refine((c) => c.blueDeg < c.yellowDeg && c.yellowDeg < c.orangeDeg && c.orangeDeg < c.redDeg, {
    message: 'band edges must rise: blueDeg < yellowDeg < orangeDeg < redDeg',
  })
  .refine((c) => c.sampleMinutes * 2 <= c.windowHours * 60, {
    message: 'sampleMinutes must be at most half of windowHours',
  });

export type SlopeDisplacementConfig = z.infer<typeof slopeDisplacementConfig>;

export interface SlopeDisplacementState extends LevelHold {
  /** Sample buckets over the rate window: `[bucket, mean ts, mean disp mm, readings]`. */
  h: Array<[number, number, number, number]>;
  /** Last displacement of each of the last local days: `[local day, disp mm]`. */
  days: Array<[number, number]>;
  /** Rain per hour over the last 24 h: `[hour, mm]`. */
  rain: Array<[number, number]>;
  /** Event time of the last reading with a rain value. */
  rainTs: number | null;
}

const STAGE: Record<Severity, string> = {
  blue: '等速变形',
  yellow: '初加速变形',
  orange: '中加速变形',
  red: '临滑',
};
const COLOUR: Record<Severity, string> = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' };
const UP: Record<Severity, Severity> = { blue: 'yellow', yellow: 'orange', orange: 'red', red: 'red' };
const DEG = 180 / Math.PI;
const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Weighted least-squares slope of displacement against time, mm/day. */
function rateOf(h: SlopeDisplacementState['h']): number {
  let w = 0;
  let st = 0;
  let sd = 0;
  for (const [, t, d, n] of h) {
    w += n;
    st += n * t;
    sd += n * d;
  }
  const mt = st / w;
  const md = sd / w;
  let num = 0;
  let den = 0;
  for (const [, t, d, n] of h) {
    num += n * (t - mt) * (d - md);
    den += n * (t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * DAY_MS;
}

function bandOf(alpha: number, c: SlopeDisplacementConfig): Severity | null {
  if (alpha >= c.redDeg) return 'red';
  if (alpha >= c.orangeDeg) return 'orange';
  if (alpha >= c.yellowDeg) return 'yellow';
  if (alpha >= c.blueDeg) return 'blue';
  return null;
}

const edgeOf = (s: Severity, c: SlopeDisplacementConfig): number =>
  s === 'red' ? c.redDeg : s === 'orange' ? c.orangeDeg : s === 'yellow' ? c.yellowDeg : c.blueDeg;

/** Did every one of `count` days ending with `last` grow by more than the GB limit? */
function gbRun(days: Map<number, number>, last: number, c: SlopeDisplacementConfig): boolean {
  for (let d = last; d > last - c.gbDays; d--) {
    const today = days.get(d);
    const before = days.get(d - 1);
    if (today === undefined || before === undefined || today - before <= c.gbMmPerDay) return false;
  }
  return true;
}

function evacuation(ctx: RuleContext): AlertAction[] {
  const site = ctx.registry.slopeSite(ctx.device.owner);
  const targets = (site?.buildings ?? []).map((b) => b.name);
  return [
    {
      type: 'evacuate',
      description:
        targets.length > 0
          ? `空楼行动：立即撤离${site?.name ?? '边坡'}威胁范围内 ${targets.length} 栋建筑`
          : `空楼行动：登记册未列出${site?.name ?? '该边坡'}威胁的建筑，请现场核查并撤离`,
      targets,
    },
  ];
}

export const slopeDisplacement = defineRule<SlopeDisplacementState, SlopeDisplacementConfig>({
  name: 'slope.displacement',
  kinds: ['slope'],
  defaults: {
    v0MmPerDay: 0.5,
    windowHours: 6,
    sampleMinutes: 30,
    blueDeg: 40,
    yellowDeg: 50,
    orangeDeg: 80,
    redDeg: 85,
    gbMmPerDay: 2,
    gbDays: 3,
    heavyRainMm: 50,
    clearHours: 24,
  },
  configSchema: slopeDisplacementConfig,
  initial: () => ({ ...initialHold(), h: [], days: [], rain: [], rainTs: null }),
  evaluate(state, reading, c, ctx) {
    const { disp, rain } = reading.f;
    if (reading.q !== 'ok' || typeof disp !== 'number') return { state };
    const ts = reading.ts;

    // Rate window: running means per sample bucket, the window's worth of buckets kept.
    const sampleMs = c.sampleMinutes * MINUTE_MS;
    const bucket = Math.floor(ts / sampleMs);
    const keep = Math.ceil((c.windowHours * HOUR_MS) / sampleMs);
    // Keep the buckets inside the window and the newest one before it (so the fit spans the whole window
    // even when a bucket is missing), but nothing older than two windows.
    const older = state.h.filter(([b]) => b <= bucket - keep && b >= bucket - 2 * keep);
    const h = [...older.slice(-1), ...state.h.filter(([b]) => b > bucket - keep && b < bucket)];
    const last = state.h.length > 0 ? state.h[state.h.length - 1] : undefined;
    if (last && last[0] === bucket) {
      const n = last[3] + 1;
      h.push([bucket, last[1] + (ts - last[1]) / n, last[2] + (disp - last[2]) / n, n]);
    } else h.push([bucket, ts, disp, 1]);
    const v = h[0][0] <= bucket - keep ? rateOf(h) : null;

    // GB 50330: last displacement of each local day.
    const day = localDay(ts);
    const days = state.days.filter(([d]) => d > day - c.gbDays - 2 && d < day);
    days.push([day, disp]);
    const byDay = new Map(days);
    const gb = gbRun(byDay, day, c) || gbRun(byDay, day - 1, c);

    // Rain: `rain` is mm over the last hour, i.e. a rate in mm/h; integrate it over the time it covers.
    const hour = Math.floor(ts / HOUR_MS);
    const rainBuckets = state.rain.filter(([hr]) => hr > hour - 24);
    let rainTs = state.rainTs;
    if (typeof rain === 'number') {
      const covered = Math.min(HOUR_MS, rainTs === null ? ctx.device.intervalSec * 1000 : ts - rainTs);
      const mm = (rain * covered) / HOUR_MS;
      const i = rainBuckets.findIndex(([hr]) => hr === hour);
      if (i >= 0) rainBuckets[i] = [hour, rainBuckets[i][1] + mm];
      else rainBuckets.push([hour, mm]);
      rainTs = ts;
    }
    const rain24 = rainBuckets.reduce((sum, [, mm]) => sum + mm, 0);

    const alpha = v === null ? null : Math.atan2(v, c.v0MmPerDay) * DEG;
    const tangent = alpha === null ? null : bandOf(alpha, c);
    let measured = tangent;
    if (gb && (measured === null || severityRank(measured) < severityRank('yellow'))) measured = 'yellow';
    const rained = rain24 >= c.heavyRainMm && measured !== null && measured !== 'red';
    if (measured !== null && rain24 >= c.heavyRainMm) measured = UP[measured];

    const { below, target } = holdLevel(state, measured, ts, c.clearHours * HOUR_MS);
    const next: SlopeDisplacementState = { level: state.level, below, h, days, rain: rainBuckets, rainTs };
    if (target === state.level) return { state: next };
    const value = v === null ? null : round2(v);
    if (target === null) {
      return {
        state: { ...next, level: null },
        signal: {
          type: 'clear',
          value,
          message: `边坡位移速率回落${value === null ? '' : `至 ${value} mm/d`}，已持续 ${c.clearHours} 小时低于预警值`,
        },
      };
    }
    const parts = [
      alpha === null
        ? '位移速率数据不足'
        : `切线角 α=${alpha.toFixed(1)}°（速率 ${value} mm/d，等速速率 v0=${c.v0MmPerDay} mm/d）` +
          (tangent ? `，${STAGE[tangent]}阶段` : ''),
    ];
    if (gb) parts.push(`连续 ${c.gbDays} 天日位移超过 ${c.gbMmPerDay} mm（GB 50330-2013）`);
    if (rained) parts.push(`24 小时降雨 ${Math.round(rain24)} mm，预警提高一级`);
    if (state.level !== null && severityRank(target) < severityRank(state.level)) {
      parts.push(`已持续 ${c.clearHours} 小时低于${COLOUR[state.level]}预警值，降为${COLOUR[target]}`);
    }
    const actions = target === 'red' ? evacuation(ctx) : [];
    if (actions.length > 0) {
      const targets = actions[0].targets ?? [];
      parts.push(targets.length > 0 ? `撤离：${targets.join('、')}` : '请现场核查受威胁建筑并撤离');
    }
    return {
      state: { ...next, level: target },
      signal: {
        type: 'fire',
        severity: target,
        value,
        threshold: round2(c.v0MmPerDay * Math.tan(edgeOf(target, c) / DEG)),
        message: `边坡${COLOUR[target]}预警：${parts.join('；')}`,
        // Non-red levels carry an empty list so that lowering from red withdraws the evacuation order.
        actions,
      },
    };
  },
});
