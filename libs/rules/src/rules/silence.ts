import type { ReadingRecord } from '@lg/contracts';
import type { RuleOutput, RuleSignal } from '../rule';

/** The state both silence rules keep (each adds its own word on the last report). */
export interface SilenceState {
  /** When the last report was heard (later of its event and receipt time), any quality. */
  heardAt: number | null;
  offline: boolean;
  /** Last qualified position, for the alert's location. */
  lat: number | null;
  lon: number | null;
}

/**
 * What the silence-driven rules (truck.offline, device.offline) keep of each report, and how they
 * speak when a silent device reports again.
 */
export interface Heard {
  /** When the report was heard: the later of its event time and its receipt time, so that a device whose
   *  clock runs behind does not look silent the moment it reports. */
  heardAt: number;
  /** Last qualified position, for the alert's location. */
  lat: number | null;
  lon: number | null;
}

export function heard(reading: ReadingRecord, before: { lat: number | null; lon: number | null }): Heard {
  const { lat, lon } = reading.f;
  const located = reading.q === 'ok' && typeof lat === 'number' && typeof lon === 'number';
  return {
    heardAt: Math.max(reading.ts, reading.rx),
    lat: located ? lat : before.lat,
    lon: located ? lon : before.lon,
  };
}

/**
 * Is the truck under way at this report: moving faster than `movingKmh` or its ignition on? A report
 * without a usable speed keeps the ignition's word, and without either the previous verdict.
 */
export function underWay(reading: ReadingRecord, movingKmh: number, previous: boolean): boolean {
  const { speed, ignition } = reading.f;
  if (reading.q === 'ok' && typeof speed === 'number') return speed > movingKmh || ignition === true;
  return typeof ignition === 'boolean' ? ignition : previous;
}

/** Where the last qualified position placed the device, if one ever did. */
export function lastFix(state: SilenceState): { lat: number; lon: number } | undefined {
  return state.lat !== null && state.lon !== null ? { lat: state.lat, lon: state.lon } : undefined;
}

/**
 * The outcome of a silence deadline: the device is offline, with a yellow alert of `silentSec` against the
 * `allowedSec` of silence allowed, placed at `location` when known.
 */
export function goneSilent<S extends SilenceState>(
  state: S,
  silentSec: number,
  allowedSec: number,
  message: string,
  location: { lat: number; lon: number } | undefined,
): Required<RuleOutput<S>> {
  return {
    state: { ...state, offline: true },
    signal: {
      type: 'fire',
      severity: 'yellow',
      value: silentSec,
      threshold: allowedSec,
      message,
      ...(location ? { location } : {}),
    },
  };
}

/** The clear signal of a device that reports again after `previousAt`, naming how long it was silent. */
export function backOnline(previousAt: number | null, heardAt: number, what: string): RuleSignal {
  const silentMin = previousAt === null ? 0 : Math.round((heardAt - previousAt) / 60_000);
  return { type: 'clear', value: silentMin, message: `${what}恢复上报（中断约 ${silentMin} 分钟）` };
}
