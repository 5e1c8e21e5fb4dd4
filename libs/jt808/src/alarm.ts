/**
 * The 32-bit alarm word of a JT/T 808 position report (table 24 of JT/T 808-2013, kept in 2019). It is the
 * contract's `alarm` field as it is: the rules read these bits. The word arrives as a number
 * 0..0xFFFFFFFF, so bits are read arithmetically rather than with `&`, which works on signed 32-bit
 * integers.
 */
export const ALARM_BIT = {
  /** Emergency (SOS) button. */
  sos: 0,
  overspeed: 1,
  fatigue: 2,
  /** Danger warning (2013); dangerous driving behaviour (2019). */
  danger: 3,
  gnssModuleFault: 4,
  /** GNSS antenna cut: the terminal cannot see its position (or someone cut it to hide the truck). */
  gnssAntennaCut: 5,
  gnssAntennaShort: 6,
  mainPowerLow: 7,
  mainPowerOff: 8,
  displayFault: 9,
  ttsFault: 10,
  cameraFault: 11,
  icCardFault: 12,
  overspeedWarning: 13,
  fatigueWarning: 14,
  dailyDrivingExceeded: 18,
  overtimeParking: 19,
  area: 20,
  route: 21,
  routeTime: 22,
  routeDeviation: 23,
  vssFault: 24,
  fuelAbnormal: 25,
  stolen: 26,
  illegalIgnition: 27,
  illegalMove: 28,
  collision: 29,
  rollover: 30,
  illegalDoor: 31,
} as const;

export type AlarmName = keyof typeof ALARM_BIT;

export function alarmBit(word: number, bit: number): boolean {
  return Math.floor(word / 2 ** bit) % 2 === 1;
}

/** The alarm word as it is usually written, `0x00000021`. */
export function alarmHex(word: number): string {
  return `0x${word.toString(16).toUpperCase().padStart(8, '0')}`;
}

/** The names of the bits set in an alarm word (unnamed reserved bits as `bit15`). */
export function alarmNames(word: number): string[] {
  const names: string[] = [];
  const byBit = new Map<number, string>(Object.entries(ALARM_BIT).map(([n, b]) => [b, n]));
  for (let bit = 0; bit < 32; bit++) if (alarmBit(word, bit)) names.push(byBit.get(bit) ?? `bit${bit}`);
  return names;
}

/** The status word's bits the platform reads (table 25). */
export const STATUS_BIT = {
  acc: 0,
  positioned: 1,
  south: 2,
  west: 3,
  outOfService: 4,
  encrypted: 5,
} as const;
