import { z } from 'zod';
import { defineRule } from '../rule';
import { HHMM, inDailyWindow, MINUTE_MS } from '../local-time';

/**
 * truck.fatigue — continuous driving without a rest: more than `dayLimitMin` (4 h) by day or more than
 * `nightLimitMin` (2 h) at night (`nightFrom`–`nightTo`, 22:00–06:00 Asia/Shanghai). Blue warning
 * `warnBeforeMin` (15 min) before the limit, orange once over it; clears with a rest.
 *
 * Measured on event time between qualified fixes: the time from one fix to the next counts as driving
 * when the earlier fix was moving (speed over `movingKmh` and ignition not off), as stopped otherwise.
 * Driving time accumulates over short stops (they pause it, they do not reset it); a rest is a stop of at
 * least `restMin` (20 min), counted from the first stopped fix and including any silence while stopped. A
 * silence longer than `maxGapMin` (30 min) counts as a rest whatever the truck did before it: a terminal
 * switched off overnight must not carry yesterday's driving into the morning (truck.offline reports the
 * silence itself).
 *
 * The limit is the one of the period the truck is driving in now, applied to the whole continuous drive:
 * a drive that began at 20:30 is warned at 22:15 and over at 22:30+. The alert only rises within a drive,
 * and only a rest clears it: a driver over the night limit at 05:50 is not made rested by 06:00.
 */
export const truckFatigueConfig = z
  .object({
    /** Speed above which the truck is driving, km/h. */
    movingKmh: z.number().nonnegative().max(60),
    /** Longest continuous driving by day, minutes. */
    dayLimitMin: z.number().positive().max(1440),
    /** Longest continuous driving at night, minutes. */
    nightLimitMin: z.number().positive().max(1440),
    /** Night, local `HH:MM`; may wrap midnight. */
    nightFrom: z.string().regex(HHMM, 'HH:MM'),
    nightTo: z.string().regex(HHMM, 'HH:MM'),
    /** Blue warning this many minutes before the limit (0: no warning). */
    warnBeforeMin: z.number().nonnegative().max(600),
    /** A stop at least this long, minutes, is a rest and resets the driving time. */
    restMin: z.number().positive().max(600),
    /** A silence between fixes longer than this, minutes, counts as a rest. */
    maxGapMin: z.number().positive().max(1440),
  })
  .strict()
  .refine((c) => c.warnBeforeMin < Math.min(c.dayLimitMin, c.nightLimitMin), {
    message: 'warnBeforeMin must be below both limits',
  })
  .refine((c) => c.maxGapMin >= c.restMin, { message: 'maxGapMin must not be below restMin' });

export type TruckFatigueConfig = z.infer<typeof truckFatigueConfig>;

export interface TruckFatigueState {
  /** Driving time of the current continuous drive, ms. */
  drivenMs: number;
  lastTs: number | null;
  /** Was the truck moving at the last fix? */
  moving: boolean;
  /** Event time the current stop began (first stopped fix, or the start of a long silence). */
  stopSince: number | null;
  level: 'blue' | 'orange' | null;
}

const RANK = { blue: 0, orange: 1 } as const;

function hoursMinutes(ms: number): string {
  const total = Math.floor(ms / MINUTE_MS);
  const h = Math.floor(total / 60);
  const m = total % 60;
  return h > 0 ? `${h} 小时 ${String(m).padStart(2, '0')} 分` : `${m} 分`;
}

export const truckFatigue = defineRule<TruckFatigueState, TruckFatigueConfig>({
  name: 'truck.fatigue',
  kinds: ['truck'],
  defaults: {
    movingKmh: 5,
    dayLimitMin: 240,
    nightLimitMin: 120,
    nightFrom: '22:00',
    nightTo: '06:00',
    warnBeforeMin: 15,
    restMin: 20,
    maxGapMin: 30,
  },
  configSchema: truckFatigueConfig,
  initial: () => ({ drivenMs: 0, lastTs: null, moving: false, stopSince: null, level: null }),
  evaluate(state, reading, c) {
    const { speed, ignition } = reading.f;
    if (reading.q !== 'ok' || typeof speed !== 'number') return { state };
    const ts = reading.ts;
    const moving = speed > c.movingKmh && ignition !== false;
    let drivenMs = state.drivenMs;
    let stopSince = state.stopSince;
    let drove = false;
    if (state.lastTs !== null) {
      const dt = ts - state.lastTs;
      if (dt > c.maxGapMin * MINUTE_MS) stopSince ??= state.lastTs;
      else if (state.moving) {
        drivenMs += dt;
        drove = true;
      }
    }
    if (!moving) stopSince ??= ts;
    const restMs = stopSince === null ? 0 : ts - stopSince;
    const rested = restMs >= c.restMin * MINUTE_MS;
    if (rested) drivenMs = 0;
    if (moving) stopSince = null;
    const next: TruckFatigueState = { drivenMs, lastTs: ts, moving, stopSince, level: state.level };

    if (rested) {
      if (state.level === null) return { state: next };
      return {
        state: { ...next, level: null },
        signal: {
          type: 'clear',
          value: Math.floor(restMs / MINUTE_MS),
          message: `驾驶员已休息 ${hoursMinutes(restMs)}，连续驾驶时间清零`,
        },
      };
    }
    // The limit is judged while driving (or on the fix that ends a stretch of driving).
    if (!moving && !drove) return { state: next };
    const night = inDailyWindow(ts, c.nightFrom, c.nightTo);
    const limitMin = night ? c.nightLimitMin : c.dayLimitMin;
    const limitMs = limitMin * MINUTE_MS;
    const measured =
      drivenMs > limitMs
        ? 'orange'
        : c.warnBeforeMin > 0 && drivenMs >= limitMs - c.warnBeforeMin * MINUTE_MS
          ? 'blue'
          : null;
    if (measured === null || (state.level !== null && RANK[measured] <= RANK[state.level])) {
      return { state: next };
    }
    const period = night ? `夜间（${c.nightFrom}–${c.nightTo}）` : '白天';
    const { lat, lon } = reading.f;
    return {
      state: { ...next, level: measured },
      signal: {
        type: 'fire',
        severity: measured,
        value: Math.floor(drivenMs / MINUTE_MS),
        threshold: limitMin,
        message:
          measured === 'orange'
            ? `疲劳驾驶：已连续驾驶 ${hoursMinutes(drivenMs)}，超过${period}限值 ${hoursMinutes(limitMs)}`
            : `疲劳驾驶预警：已连续驾驶 ${hoursMinutes(drivenMs)}，${period}限值 ${hoursMinutes(limitMs)}，请安排休息`,
        ...(typeof lat === 'number' && typeof lon === 'number' ? { location: { lat, lon } } : {}),
      },
    };
  },
});
