import { z } from 'zod';
import { defineRule } from '../rule';
import { backOnline, goneSilent, heard, lastFix, underWay, type SilenceState } from './silence';

/**
 * truck.offline — a truck that was driving (speed over `movingKmh`) or had its ignition on at its last
 * report, and then sent nothing for `silenceSec` (300 s): yellow. Driven by the engine's timer, not by a
 * reading: the rule asks for a tick at last report + `silenceSec`, and fires when it comes. The last
 * report counts from the later of its event time and its receipt time, so a terminal whose clock runs
 * behind does not look silent. Any report clears it, qualified or not (the terminal is talking again). A truck parked with its ignition off may go
 * quiet without an alert here; device.offline covers terminals that stop reporting altogether.
 */
export const truckOfflineConfig = z
  .object({
    /** Silence after a moving / ignition-on report that makes the truck offline, seconds. */
    silenceSec: z.number().positive().max(86_400),
    /** Speed above which the truck is moving, km/h. */
    movingKmh: z.number().nonnegative().max(60),
  })
  .strict();

export type TruckOfflineConfig = z.infer<typeof truckOfflineConfig>;

export interface TruckOfflineState extends SilenceState {
  /** Was the truck moving or its ignition on at the last report? */
  armed: boolean;
}

export const truckOffline = defineRule<TruckOfflineState, TruckOfflineConfig>({
  name: 'truck.offline',
  kinds: ['truck'],
  defaults: { silenceSec: 300, movingKmh: 5 },
  configSchema: truckOfflineConfig,
  initial: () => ({ heardAt: null, armed: false, offline: false, lat: null, lon: null }),
  evaluate(state, reading, c) {
    const report = heard(reading, state);
    const next: TruckOfflineState = {
      ...report,
      armed: underWay(reading, c.movingKmh, state.armed),
      offline: false,
    };
    if (!state.offline) return { state: next };
    return { state: next, signal: backOnline(state.heardAt, report.heardAt, '车辆') };
  },
  deadline(state, c) {
    return state.armed && !state.offline && state.heardAt !== null
      ? state.heardAt + c.silenceSec * 1000
      : null;
  },
  tick(state, now, c) {
    const silentSec = state.heardAt === null ? c.silenceSec : Math.round((now - state.heardAt) / 1000);
    const message = `车辆离线：行驶或点火状态下已 ${Math.floor(silentSec / 60)} 分钟无定位上报`;
    return goneSilent(state, silentSec, c.silenceSec, message, lastFix(state));
  },
});
