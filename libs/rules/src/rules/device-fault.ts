import { z } from 'zod';
import type { ReadingRecord } from '@lg/contracts';
import { defineRule } from '../rule';
import { ALARM_BIT, alarmBit } from './jt808';

/**
 * device.fault — the device cannot see, whatever it reports: a gas detector's fault code; an impossible
 * reading (any field outside its plausible range, e.g. a gas reading outside 0–100 % LEL or a truck fix at
 * 0,0); a 4–20 mA loop current outside `ne43LowMa`–`ne43HighMa` (NAMUR NE43: 3.6–21 mA); a GNSS antenna cut
 * (JT/T 808 alarm bit 5); a clock running ahead (`future_ts`) → yellow, naming the reasons. Clears on the
 * first reading with none of them. It is a device-health alert: it never raises or implies a gas alarm,
 * and gas.lel ignores the same readings.
 */
export const deviceFaultConfig = z
  .object({
    /** NE43 fault current below this, mA. */
    ne43LowMa: z.number().nonnegative().max(4),
    /** NE43 fault current above this, mA. */
    ne43HighMa: z.number().min(20).max(30),
    /** Report a GNSS antenna cut (alarm bit 5) as a fault. */
    gnssAntennaCut: z.boolean(),
    /** Report a timestamp in the future (the device's clock is wrong) as a fault. */
    clockFault: z.boolean(),
  })
  .strict();

export type DeviceFaultConfig = z.infer<typeof deviceFaultConfig>;

export interface DeviceFaultState {
  faulty: boolean;
  /** Last known state of the GNSS antenna alarm (reports without an alarm word leave it unchanged). */
  antennaCut: boolean;
}

const FIELD_NAMES: Record<string, string> = {
  lat: '纬度',
  lon: '经度',
  speed: '速度',
  heading: '方向',
  alt: '海拔',
  lel: '浓度',
  tilt: '倾角',
  rain: '雨量',
  battery: '电量',
};

function faultsOf(reading: ReadingRecord, c: DeviceFaultConfig, antennaCut: boolean): string[] {
  const f = reading.f;
  const why = reading.why ?? [];
  const faults: string[] = [];
  if (why.includes('fault')) faults.push(`故障码 ${typeof f.fault === 'string' ? f.fault : '未知'}`);
  if (typeof f.ma === 'number' && (f.ma < c.ne43LowMa || f.ma > c.ne43HighMa)) {
    faults.push(`回路电流 ${f.ma} mA（NE43 故障电流，正常 ${c.ne43LowMa}–${c.ne43HighMa} mA）`);
  }
  for (const code of why) {
    // The loop current is judged above against the configured NE43 band.
    if (!code.endsWith('_out_of_range') || code === 'ma_out_of_range') continue;
    const field = code.slice(0, -'_out_of_range'.length);
    faults.push(`${FIELD_NAMES[field] ?? field}读数不可信（${String(f[field])}）`);
  }
  if (c.clockFault && why.includes('future_ts')) faults.push('时间戳超前，设备时钟错误');
  if (c.gnssAntennaCut && antennaCut) faults.push('GNSS 天线断开');
  return faults;
}

export const deviceFault = defineRule<DeviceFaultState, DeviceFaultConfig>({
  name: 'device.fault',
  kinds: ['truck', 'slope', 'gas'],
  defaults: { ne43LowMa: 3.6, ne43HighMa: 21, gnssAntennaCut: true, clockFault: true },
  configSchema: deviceFaultConfig,
  initial: () => ({ faulty: false, antennaCut: false }),
  evaluate(state, reading, c) {
    const alarm = reading.f.alarm;
    const antennaCut =
      reading.kind === 'truck' && typeof alarm === 'number'
        ? alarmBit(alarm, ALARM_BIT.gnssAntennaCut)
        : state.antennaCut;
    const faults = faultsOf(reading, c, antennaCut);
    const next = { faulty: faults.length > 0, antennaCut };
    if (faults.length > 0 && !state.faulty) {
      return {
        state: next,
        signal: {
          type: 'fire',
          severity: 'yellow',
          value: faults[0],
          threshold: null,
          message: `设备故障：${faults.join('；')}`,
        },
      };
    }
    if (faults.length === 0 && state.faulty) {
      return { state: next, signal: { type: 'clear', value: null, message: '设备恢复正常读数' } };
    }
    return { state: next };
  },
});
