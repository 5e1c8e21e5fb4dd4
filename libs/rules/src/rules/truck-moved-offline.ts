import { z } from 'zod';
import { distanceM } from '@lg/contracts';
import { defineRule } from '../rule';

/**
 * truck.moved_offline — a truck that reappears more than `distanceM` (1 km) from where it went silent,
 * after no qualified fix for at least `silenceSec` (300 s): orange. Silence is measured between qualified
 * fixes, so a terminal that kept reporting without a usable position (antenna cut, 0,0) and turns up
 * elsewhere is caught too.
 *
 * It is a finding about the past, not a condition that holds: the rule fires on the fix that reveals it
 * and signals `clear` on the next qualified fix. The alert then stays open — cleared but unacknowledged,
 * and escalating — until a person acknowledges it ("clears: acknowledge"). Never clearing would keep it
 * active for ever, and the lifecycle would fold every later finding for the truck into it unseen.
 */
export const truckMovedOfflineConfig = z
  .object({
    /** Silence between qualified fixes before a jump counts, seconds. */
    silenceSec: z.number().positive().max(86_400),
    /** Distance between the last fix before and the first fix after the silence, metres. */
    distanceM: z.number().positive().max(1_000_000),
  })
  .strict();

export type TruckMovedOfflineConfig = z.infer<typeof truckMovedOfflineConfig>;

export interface TruckMovedOfflineState {
  lastTs: number | null;
  lat: number | null;
  lon: number | null;
  /** Fired on the previous fix: the next one clears. */
  fired: boolean;
}

export const truckMovedOffline = defineRule<TruckMovedOfflineState, TruckMovedOfflineConfig>({
  name: 'truck.moved_offline',
  kinds: ['truck'],
  defaults: { silenceSec: 300, distanceM: 1000 },
  configSchema: truckMovedOfflineConfig,
  initial: () => ({ lastTs: null, lat: null, lon: null, fired: false }),
  evaluate(state, reading, c) {
    const { lat, lon } = reading.f;
    if (reading.q !== 'ok' || typeof lat !== 'number' || typeof lon !== 'number') return { state };
    const next: TruckMovedOfflineState = { lastTs: reading.ts, lat, lon, fired: false };
    if (state.lastTs !== null && state.lat !== null && state.lon !== null) {
      const silentMs = reading.ts - state.lastTs;
      const moved = distanceM(state.lat, state.lon, lat, lon);
      if (silentMs >= c.silenceSec * 1000 && moved > c.distanceM) {
        return {
          state: { ...next, fired: true },
          signal: {
            type: 'fire',
            severity: 'orange',
            value: Math.round(moved),
            threshold: c.distanceM,
            message:
              `车辆离线 ${Math.round(silentMs / 60_000)} 分钟后在 ${(moved / 1000).toFixed(1)} km 外重新上线` +
              `（离线位置 ${state.lat.toFixed(5)}, ${state.lon.toFixed(5)}）`,
            location: { lat, lon },
          },
        };
      }
    }
    if (!state.fired) return { state: next };
    return { state: next, signal: { type: 'clear', value: null } };
  },
});
