import { z } from 'zod';
import { corridorAt, type Severity } from '@lg/contracts';
import { defineRule } from '../rule';
import { holdLevel, initialHold, type LevelHold } from './level-hold';

/**
 * truck.overspeed — hazmat speed limits: the corridor's limit (80 km/h on the registry's expressway
 * corridors) within `halfWidthM` of an expressway polyline, `roadLimitKmh` (60) elsewhere. Fires yellow
 * once the speed has been over the limit at every fix for more than `minDurationSec` (30 s; exactly 30 s
 * does not fire); orange above `orangeRatio` × limit, red above `redRatio` × limit. Once the overspeed is
 * established the alert rises to a higher band at once, and lowers or clears only after the speed stayed
 * under that band for `clearSec` (30 s; clears after 30 s at or under the limit). A gap between fixes
 * longer than `maxGapSec` breaks the continuity of a pending overspeed. Unqualified fixes are skipped.
 */
export const truckOverspeedConfig = z
  .object({
    /** Limit off the expressway corridors, km/h. Corridors carry their own `limitKmh` in the registry. */
    roadLimitKmh: z.number().positive().max(200),
    /** Overspeed must be continuous for more than this many seconds before it fires. */
    minDurationSec: z.number().nonnegative().max(3600),
    /** Speed above this multiple of the limit is orange… */
    orangeRatio: z.number().gt(1).max(5),
    /** …and above this multiple, red. */
    redRatio: z.number().gt(1).max(5),
    /** Seconds a band must stay unmet before the alert lowers from it or clears. */
    clearSec: z.number().nonnegative().max(3600),
    /** Longest gap between two fixes, seconds, that still counts as continuous overspeed. */
    maxGapSec: z.number().positive().max(3600),
  })
  .strict()
  .refine((c) => c.redRatio > c.orangeRatio, { message: 'redRatio must be above orangeRatio' });

export type TruckOverspeedConfig = z.infer<typeof truckOverspeedConfig>;

export interface TruckOverspeedState extends LevelHold {
  /** Event time of the first fix of the current uninterrupted run over the limit. */
  overSince: number | null;
  /** Event time of the last qualified fix. */
  lastTs: number | null;
}

const NAMES: Record<Severity, string> = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' };

function bandOf(speed: number, limit: number, c: TruckOverspeedConfig): Severity | null {
  if (speed > limit * c.redRatio) return 'red';
  if (speed > limit * c.orangeRatio) return 'orange';
  if (speed > limit) return 'yellow';
  return null;
}

function bandThreshold(band: Severity, limit: number, c: TruckOverspeedConfig): number {
  const ratio = band === 'red' ? c.redRatio : band === 'orange' ? c.orangeRatio : 1;
  return Math.round(limit * ratio * 10) / 10;
}

export const truckOverspeed = defineRule<TruckOverspeedState, TruckOverspeedConfig>({
  name: 'truck.overspeed',
  kinds: ['truck'],
  defaults: {
    roadLimitKmh: 60,
    minDurationSec: 30,
    orangeRatio: 1.2,
    redRatio: 1.5,
    clearSec: 30,
    maxGapSec: 60,
  },
  configSchema: truckOverspeedConfig,
  initial: () => ({ ...initialHold(), overSince: null, lastTs: null }),
  evaluate(state, reading, c, ctx) {
    const { speed, lat, lon } = reading.f;
    if (
      reading.q !== 'ok' ||
      typeof speed !== 'number' ||
      typeof lat !== 'number' ||
      typeof lon !== 'number'
    ) {
      return { state };
    }
    const ts = reading.ts;
    const corridor = corridorAt(lat, lon, ctx.registry.corridors());
    const limit = corridor?.limitKmh ?? c.roadLimitKmh;
    const band = bandOf(speed, limit, c);
    const gap = state.lastTs !== null && ts - state.lastTs > c.maxGapSec * 1000;
    const overSince = band === null ? null : state.overSince === null || gap ? ts : state.overSince;
    const { below, target } = holdLevel(state, band, ts, c.clearSec * 1000);
    const next: TruckOverspeedState = { level: state.level, below, overSince, lastTs: ts };

    if (state.level === null) {
      const established = overSince !== null && ts - overSince > c.minDurationSec * 1000;
      if (!established || target === null) return { state: next };
    } else if (target === null) {
      return {
        state: { ...next, level: null },
        signal: { type: 'clear', value: speed, message: `车速回落至 ${speed} km/h（限速 ${limit} km/h）` },
      };
    }
    if (target === null || target === state.level) return { state: next };
    const road = corridor ? `${corridor.name}（高速公路）` : '普通道路';
    const message =
      band === null
        ? `超速回落：当前 ${speed} km/h，${road}限速 ${limit} km/h，降为${NAMES[target]}`
        : `危化品车辆超速 ${speed} km/h，${road}限速 ${limit} km/h，` +
          `已持续 ${Math.round((ts - (overSince ?? ts)) / 1000)} 秒（${NAMES[target]}）`;
    return {
      state: { ...next, level: target },
      signal: {
        type: 'fire',
        severity: target,
        value: speed,
        threshold: bandThreshold(target, limit, c),
        message,
        location: { lat, lon },
      },
    };
  },
});
