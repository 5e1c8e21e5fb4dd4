/**
 * JT/T 808 position reports carry a 32-bit alarm word; the bits the rules read. The word arrives as a JSON
 * number 0..0xFFFFFFFF, so bits are read arithmetically rather than with `&`, which works on signed 32-bit
 * integers.
 */
export const ALARM_BIT = {
  /** Emergency (SOS) button. */
  sos: 0,
  overspeed: 1,
  fatigue: 2,
  /** GNSS antenna cut: the terminal cannot see its position (or someone cut it to hide the truck). */
  gnssAntennaCut: 5,
  dailyDrivingExceeded: 18,
  area: 20,
  route: 21,
  routeDeviation: 23,
} as const;

export function alarmBit(word: number, bit: number): boolean {
  return Math.floor(word / 2 ** bit) % 2 === 1;
}

/** The alarm word as it is usually written, `0x00000021`. */
export function alarmHex(word: number): string {
  return `0x${word.toString(16).toUpperCase().padStart(8, '0')}`;
}
