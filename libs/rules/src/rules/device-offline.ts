import { z } from 'zod';
import { defineRule } from '../rule';
import { backOnline, goneSilent, heard, lastFix, underWay, type SilenceState } from './silence';

/**
 * device.offline — any device silent for `factor` (3) × its registered reporting interval
 * (`Device.intervalSec`), but never less than `minSilenceSec`: yellow. Driven by the engine's timer: the
 * rule asks for a tick at last message + the allowed silence, and fires when it comes; the last message
 * counts from the later of its event time and its receipt time, so a device whose clock runs behind does
 * not look silent. The next message, of any quality, clears it.
 *
 * Trucks report at their nominal interval only while driving or with the ignition on; a parked truck's
 * terminal sleeps and reports rarely, so after a report that shows it parked (not moving, ignition not on)
 * the allowed silence is `parkedSilenceSec` (1 h; null: parked trucks are never offline here).
 */
export const deviceOfflineConfig = z
  .object({
    /** Allowed silence as a multiple of the device's reporting interval. */
    factor: z.number().min(1).max(1000),
    /** Floor of the allowed silence, seconds. */
    minSilenceSec: z
      .number()
      .nonnegative()
      .max(86_400 * 7),
    /** Allowed silence after a truck report that shows it parked, seconds; null for no limit. */
    parkedSilenceSec: z
      .number()
      .positive()
      .max(86_400 * 7)
      .nullable(),
    /** Speed above which a truck is moving, km/h. */
    movingKmh: z.number().nonnegative().max(60),
  })
  .strict();

export type DeviceOfflineConfig = z.infer<typeof deviceOfflineConfig>;

/** Only trucks are placed by their fixes (`lat`, `lon`); other kinds by their registered position. */
export interface DeviceOfflineState extends SilenceState {
  /** Trucks: parked at the last report. */
  parked: boolean;
}

export const deviceOffline = defineRule<DeviceOfflineState, DeviceOfflineConfig>({
  name: 'device.offline',
  kinds: ['truck', 'slope', 'gas'],
  defaults: { factor: 3, minSilenceSec: 0, parkedSilenceSec: 3600, movingKmh: 5 },
  configSchema: deviceOfflineConfig,
  initial: () => ({ heardAt: null, parked: false, offline: false, lat: null, lon: null }),
  evaluate(state, reading, c) {
    // A parked truck is one not under way; other kinds are never parked.
    const parked = reading.kind === 'truck' && !underWay(reading, c.movingKmh, !state.parked);
    const report = heard(reading, state);
    const next: DeviceOfflineState = { ...report, parked, offline: false };
    if (!state.offline) return { state: next };
    return { state: next, signal: backOnline(state.heardAt, report.heardAt, '设备') };
  },
  deadline(state, c, ctx) {
    if (state.heardAt === null || state.offline) return null;
    if (ctx.device.kind === 'truck' && state.parked) {
      return c.parkedSilenceSec === null ? null : state.heardAt + c.parkedSilenceSec * 1000;
    }
    return state.heardAt + Math.max(c.factor * ctx.device.intervalSec, c.minSilenceSec) * 1000;
  },
  tick(state, now, c, ctx) {
    const silentSec = state.heardAt === null ? 0 : Math.round((now - state.heardAt) / 1000);
    const allowed =
      ctx.device.kind === 'truck' && state.parked && c.parkedSilenceSec !== null
        ? c.parkedSilenceSec
        : Math.max(c.factor * ctx.device.intervalSec, c.minSilenceSec);
    // A device never placed by a fix (a slope sensor, a gas detector) is placed where it is registered.
    const location =
      lastFix(state) ??
      (ctx.device.lat !== undefined && ctx.device.lon !== undefined
        ? { lat: ctx.device.lat, lon: ctx.device.lon }
        : undefined);
    const message = `设备离线：已 ${silentSec >= 120 ? `${Math.floor(silentSec / 60)} 分钟` : `${silentSec} 秒`}未上报（上报周期 ${ctx.device.intervalSec} 秒）`;
    return goneSilent(state, silentSec, allowed, message, location);
  },
});
