// The alarm word is part of the JT/T 808 format, defined once with it; the rules read it from there.
export { ALARM_BIT, alarmBit, alarmHex } from '@lg/jt808';
