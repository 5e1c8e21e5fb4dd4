import { alarmBit, STATUS_BIT } from './alarm';
import { readBcd, writeBcd } from './bcd';
import { Jt808Error } from './errors';

/** One additional information item of a position report: ID and raw value (interpreted by `extras`). */
export interface LocationItem {
  id: number;
  value: Buffer;
}

/**
 * The body of a 0x0200 position report as it is on the wire (raw integers, so that encode → decode is
 * exact; `locationView` gives the units): alarm word, status word, latitude and longitude in millionths
 * of a degree (unsigned, the status word's bits 2 and 3 say south and west), altitude in metres, speed
 * in 0.1 km/h, direction 0–359, the time as its 12 BCD digits (YYMMDDhhmmss, UTC+8), then the items.
 */
export interface Location {
  alarm: number;
  status: number;
  lat: number;
  lon: number;
  altitude: number;
  speed: number;
  direction: number;
  time: string;
  items: LocationItem[];
  /** Bytes after the last whole item (a truncated item), kept as they are. */
  trailing?: Buffer;
}

export const LOCATION_FIXED_BYTES = 28;

export function decodeLocation(body: Buffer, offset = 0, end = body.length): Location {
  if (end - offset < LOCATION_FIXED_BYTES) {
    throw new Jt808Error(
      'length',
      `a position report needs ${LOCATION_FIXED_BYTES} bytes before its items, got ${Math.max(0, end - offset)}`,
    );
  }
  const o = offset;
  const loc: Location = {
    alarm: body.readUInt32BE(o),
    status: body.readUInt32BE(o + 4),
    lat: body.readUInt32BE(o + 8),
    lon: body.readUInt32BE(o + 12),
    altitude: body.readUInt16BE(o + 16),
    speed: body.readUInt16BE(o + 18),
    direction: body.readUInt16BE(o + 20),
    time: readBcd(body, o + 22, 6),
    items: [],
  };
  // Items run to the end; one whose length runs past the end is kept as trailing bytes, not a refusal:
  // the fix before it is sound and a terminal that miscounts a vendor item should not lose its position.
  let i = o + LOCATION_FIXED_BYTES;
  while (i + 2 <= end) {
    const len = body[i + 1];
    if (i + 2 + len > end) break;
    loc.items.push({ id: body[i], value: Buffer.from(body.subarray(i + 2, i + 2 + len)) });
    i += 2 + len;
  }
  if (i < end) loc.trailing = Buffer.from(body.subarray(i, end));
  return loc;
}

export function encodeLocation(loc: Location): Buffer {
  const u32 = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff)
      throw new Jt808Error('range', `${what} out of range: ${v}`);
  };
  const u16 = (v: number, what: string) => {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff)
      throw new Jt808Error('range', `${what} out of range: ${v}`);
  };
  u32(loc.alarm, 'alarm word');
  u32(loc.status, 'status word');
  u32(loc.lat, 'latitude');
  u32(loc.lon, 'longitude');
  u16(loc.altitude, 'altitude');
  u16(loc.speed, 'speed');
  u16(loc.direction, 'direction');
  const itemBytes = loc.items.reduce((n, it) => n + 2 + it.value.length, 0) + (loc.trailing?.length ?? 0);
  const out = Buffer.alloc(LOCATION_FIXED_BYTES + itemBytes);
  out.writeUInt32BE(loc.alarm, 0);
  out.writeUInt32BE(loc.status, 4);
  out.writeUInt32BE(loc.lat, 8);
  out.writeUInt32BE(loc.lon, 12);
  out.writeUInt16BE(loc.altitude, 16);
  out.writeUInt16BE(loc.speed, 18);
  out.writeUInt16BE(loc.direction, 20);
  writeBcd(loc.time, 6, 'the time').copy(out, 22);
  let i = LOCATION_FIXED_BYTES;
  for (const it of loc.items) {
    if (it.value.length > 255)
      throw new Jt808Error('range', `item 0x${it.id.toString(16)} is over 255 bytes`);
    out[i] = it.id;
    out[i + 1] = it.value.length;
    it.value.copy(out, i + 2);
    i += 2 + it.value.length;
  }
  loc.trailing?.copy(out, i);
  return out;
}

/** An item's meaning, by ID, as `extras` shows it. */
export type ExtraValue = number | string | Record<string, number>;

/** `0x01` … as the extras' keys. */
export function itemKey(id: number): string {
  return `0x${id.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * The additional items the standard defines, in their units: 0x01 mileage (km), 0x02 fuel (L), 0x03
 * recorder speed (km/h), 0x04 the ID of an alarm event to confirm, 0x06 compartment temperature (°C,
 * 2019), 0x11 overspeed (position type, area), 0x12 area or route in/out (type, area, direction 0 in / 1
 * out), 0x13 route segment time (route, seconds, result 0 short / 1 long), 0x25 extended vehicle
 * signals, 0x2A IO status, 0x2B analogue (AD0, AD1), 0x30 signal strength, 0x31 satellites. Any other
 * item, or a known one whose length is wrong, is its value as hex.
 */
export function interpretItem(id: number, v: Buffer): ExtraValue {
  const hex = v.toString('hex');
  switch (id) {
    case 0x01:
      return v.length === 4 ? v.readUInt32BE(0) / 10 : hex;
    case 0x02:
    case 0x03:
      return v.length === 2 ? v.readUInt16BE(0) / 10 : hex;
    case 0x04:
      return v.length === 2 ? v.readUInt16BE(0) : hex;
    case 0x06: {
      if (v.length !== 2) return hex;
      const w = v.readUInt16BE(0);
      return w & 0x8000 ? -(w & 0x7fff) : w;
    }
    case 0x11:
      if (v.length === 1) return { type: v[0] };
      return v.length === 5 ? { type: v[0], area: v.readUInt32BE(1) } : hex;
    case 0x12:
      return v.length === 6 ? { type: v[0], area: v.readUInt32BE(1), direction: v[5] } : hex;
    case 0x13:
      return v.length === 7 ? { route: v.readUInt32BE(0), seconds: v.readUInt16BE(4), result: v[6] } : hex;
    case 0x25:
    case 0x2b:
      if (v.length !== 4) return hex;
      return id === 0x25 ? v.readUInt32BE(0) : { ad0: v.readUInt16BE(2), ad1: v.readUInt16BE(0) };
    case 0x2a:
      return v.length === 2 ? v.readUInt16BE(0) : hex;
    case 0x30:
    case 0x31:
      return v.length === 1 ? v[0] : hex;
    default:
      return hex;
  }
}

export function extras(items: readonly LocationItem[]): Record<string, ExtraValue> {
  const out: Record<string, ExtraValue> = {};
  for (const it of items) out[itemKey(it.id)] = interpretItem(it.id, it.value);
  return out;
}

/** Builders for the common items, for simulators and tests. */
export const item = {
  mileageKm: (km: number): LocationItem => u32Item(0x01, Math.round(km * 10)),
  fuelL: (l: number): LocationItem => u16Item(0x02, Math.round(l * 10)),
  recorderSpeedKmh: (kmh: number): LocationItem => u16Item(0x03, Math.round(kmh * 10)),
  signal: (n: number): LocationItem => ({ id: 0x30, value: Buffer.from([n]) }),
  satellites: (n: number): LocationItem => ({ id: 0x31, value: Buffer.from([n]) }),
};

function u32Item(id: number, v: number): LocationItem {
  const value = Buffer.alloc(4);
  value.writeUInt32BE(v);
  return { id, value };
}
function u16Item(id: number, v: number): LocationItem {
  const value = Buffer.alloc(2);
  value.writeUInt16BE(v);
  return { id, value };
}

/** A position report in units: what `npm run jt808 -- decode` prints for each fix. */
export interface LocationView {
  alarm: number;
  status: number;
  /** Signed degrees (south and west negative). */
  lat: number;
  lon: number;
  /** Metres; the WORD read as signed, since terminals below sea level send two's complement. */
  altitude: number;
  /** km/h. */
  speed: number;
  heading: number;
  /** ISO-8601 with +08:00, or null when the BCD time is not a date. */
  time: string | null;
  positioned: boolean;
  acc: boolean;
  extras: Record<string, ExtraValue>;
}

/** The terminal's BCD time (UTC+8) as ISO-8601 with its offset, or null when it is not a date. */
export function bcdTimeIso(time: string): string | null {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(time);
  if (!m) return null;
  const [, yy, mo, dd, hh, mi, ss] = m;
  const iso = `20${yy}-${mo}-${dd}T${hh}:${mi}:${ss}+08:00`;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  // Date.parse rolls 31 April over to 1 May; a calendar check refuses it instead.
  const back = new Date(t + 8 * 3600_000);
  if (back.getUTCDate() !== Number(dd) || back.getUTCMonth() + 1 !== Number(mo)) return null;
  return iso;
}

/** Epoch ms as the terminal's BCD time (UTC+8). */
export function bcdTimeOf(ms: number): string {
  const d = new Date(ms + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    p(d.getUTCFullYear() % 100) +
    p(d.getUTCMonth() + 1) +
    p(d.getUTCDate()) +
    p(d.getUTCHours()) +
    p(d.getUTCMinutes()) +
    p(d.getUTCSeconds())
  );
}

const signed16 = (w: number) => (w & 0x8000 ? w - 0x10000 : w);

export function locationView(loc: Location): LocationView {
  const south = alarmBit(loc.status, STATUS_BIT.south);
  const west = alarmBit(loc.status, STATUS_BIT.west);
  return {
    alarm: loc.alarm,
    status: loc.status,
    lat: (south ? -loc.lat : loc.lat) / 1e6,
    lon: (west ? -loc.lon : loc.lon) / 1e6,
    altitude: signed16(loc.altitude),
    speed: loc.speed / 10,
    heading: loc.direction,
    time: bcdTimeIso(loc.time),
    positioned: alarmBit(loc.status, STATUS_BIT.positioned),
    acc: alarmBit(loc.status, STATUS_BIT.acc),
    extras: extras(loc.items),
  };
}

/** What a simulated terminal reports, in units; `locationOf` writes it as the wire form. */
export interface Fix {
  ts: number;
  lat: number;
  lon: number;
  /** km/h. */
  speed: number;
  heading: number;
  altitude?: number;
  alarm?: number;
  acc?: boolean;
  positioned?: boolean;
  items?: LocationItem[];
}

export function locationOf(fix: Fix): Location {
  let status = 0;
  if (fix.acc ?? true) status |= 1 << STATUS_BIT.acc;
  if (fix.positioned ?? true) status |= 1 << STATUS_BIT.positioned;
  if (fix.lat < 0) status |= 1 << STATUS_BIT.south;
  if (fix.lon < 0) status |= 1 << STATUS_BIT.west;
  const alt = Math.round(fix.altitude ?? 0);
  return {
    alarm: fix.alarm ?? 0,
    status,
    lat: Math.round(Math.abs(fix.lat) * 1e6),
    lon: Math.round(Math.abs(fix.lon) * 1e6),
    altitude: alt < 0 ? alt + 0x10000 : alt,
    speed: Math.round(fix.speed * 10),
    direction: Math.round(fix.heading) % 360,
    time: bcdTimeOf(fix.ts),
    items: fix.items ?? [],
  };
}
