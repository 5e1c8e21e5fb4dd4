import { z } from 'zod';
import { defineRule } from '../rule';
import { ALARM_BIT, alarmBit, alarmHex } from './jt808';

/**
 * truck.sos — the driver pressed the emergency button: JT/T 808 alarm word bit 0 set → red. Signals
 * `clear` when a report shows the bit cleared; the lifecycle keeps the alert open until a person
 * acknowledges it. Read from every report that carries an alarm word, unqualified ones included: an
 * emergency is never dropped because the position that came with it is implausible. No configuration.
 */
export const truckSosConfig = z.object({}).strict();

export type TruckSosConfig = z.infer<typeof truckSosConfig>;

export interface TruckSosState {
  on: boolean;
}

export const truckSos = defineRule<TruckSosState, TruckSosConfig>({
  name: 'truck.sos',
  kinds: ['truck'],
  defaults: {},
  configSchema: truckSosConfig,
  initial: () => ({ on: false }),
  evaluate(state, reading) {
    const { alarm, lat, lon } = reading.f;
    if (typeof alarm !== 'number') return { state };
    const on = alarmBit(alarm, ALARM_BIT.sos);
    if (on === state.on) return { state };
    if (!on) {
      return {
        state: { on },
        signal: { type: 'clear', value: alarmHex(alarm), message: '紧急报警已解除（待人工确认）' },
      };
    }
    const located = reading.q === 'ok' && typeof lat === 'number' && typeof lon === 'number';
    return {
      state: { on },
      signal: {
        type: 'fire',
        severity: 'red',
        value: alarmHex(alarm),
        threshold: null,
        message: '危化品车辆紧急报警（SOS）',
        ...(located ? { location: { lat, lon } } : {}),
      },
    };
  },
});
