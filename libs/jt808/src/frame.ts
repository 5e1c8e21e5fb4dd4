import { readBcd, writeBcd } from './bcd';
import { Jt808Error } from './errors';

/** The flag that opens and closes every frame, and the escape byte. */
export const FLAG = 0x7e;
export const ESCAPE = 0x7d;

/** Body length field: 10 bits. A longer message must be sent in sub-packages. */
export const MAX_BODY_BYTES = 1023;

export type Jt808Version = '2013' | '2019';

/**
 * The message header (JT/T 808 §4.4.3): message ID, properties (body length bits 0–9, encryption bits
 * 10–12, sub-package bit 13, 2019 version flag bit 14), in 2019 the protocol version byte, the terminal
 * number (BCD: 6 bytes in 2013, 10 in 2019), the serial number and, when sub-packaged, the total and the
 * index (1-based).
 */
export interface Header {
  msgId: number;
  version: Jt808Version;
  /** 2019 only: the protocol version byte (1 for 808-2019). */
  protocolVersion?: number;
  /** The terminal number as the digits of its BCD (12 in 2013, 20 in 2019), usually the SIM number. */
  terminal: string;
  serial: number;
  /** Encryption bits 10–12 (0: none; bit 10: RSA). */
  encryption: number;
  subPackage?: { total: number; index: number };
}

/** One frame taken apart: its header and body, unescaped and checked. */
export interface Packet {
  header: Header;
  body: Buffer;
  /** What the decoder tolerated (a body length field that disagrees with the body). */
  warnings: string[];
}

export function terminalBytes(version: Jt808Version): number {
  return version === '2019' ? 10 : 6;
}

/** 0x7e → 0x7d 0x02 and 0x7d → 0x7d 0x01. */
export function escape(raw: Buffer): Buffer {
  let extra = 0;
  for (const b of raw) if (b === FLAG || b === ESCAPE) extra++;
  if (extra === 0) return raw;
  const out = Buffer.allocUnsafe(raw.length + extra);
  let j = 0;
  for (const b of raw) {
    if (b === FLAG || b === ESCAPE) {
      out[j++] = ESCAPE;
      out[j++] = b === FLAG ? 0x02 : 0x01;
    } else out[j++] = b;
  }
  return out;
}

export function unescape(escaped: Buffer): Buffer {
  const out = Buffer.allocUnsafe(escaped.length);
  let j = 0;
  for (let i = 0; i < escaped.length; i++) {
    const b = escaped[i];
    if (b === FLAG) throw new Jt808Error('escape', `0x7e inside the frame at byte ${i}`);
    if (b !== ESCAPE) {
      out[j++] = b;
      continue;
    }
    const next = escaped[i + 1];
    if (next === 0x01) out[j++] = ESCAPE;
    else if (next === 0x02) out[j++] = FLAG;
    else if (next === undefined) throw new Jt808Error('escape', `0x7d at the end of the frame (byte ${i})`);
    else {
      throw new Jt808Error(
        'escape',
        `0x7d followed by 0x${next.toString(16).padStart(2, '0')} at byte ${i} (only 0x01 and 0x02 may follow)`,
      );
    }
    i++;
  }
  return out.subarray(0, j);
}

/** XOR of every byte from the message ID to the end of the body. */
export function checkCode(buf: Buffer, start = 0, end = buf.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= buf[i];
  return x;
}

function headerLength(version: Jt808Version, sub: boolean): number {
  return 2 + 2 + (version === '2019' ? 1 : 0) + terminalBytes(version) + 2 + (sub ? 4 : 0);
}

/** Writes header + body + check code, escaped, between flags. */
export function encodePacket(header: Header, body: Buffer): Buffer {
  if (body.length > MAX_BODY_BYTES) {
    throw new Jt808Error(
      'range',
      `a body of ${body.length} bytes needs sub-packages (at most ${MAX_BODY_BYTES} a package)`,
    );
  }
  if (header.encryption < 0 || header.encryption > 7 || !Number.isInteger(header.encryption)) {
    throw new Jt808Error('range', `encryption must be 0..7, got ${header.encryption}`);
  }
  const sub = header.subPackage;
  const raw = Buffer.alloc(headerLength(header.version, sub !== undefined) + body.length + 1);
  let o = raw.writeUInt16BE(header.msgId, 0);
  let props = body.length | (header.encryption << 10);
  if (sub) props |= 1 << 13;
  if (header.version === '2019') props |= 1 << 14;
  o = raw.writeUInt16BE(props, o);
  if (header.version === '2019') o = raw.writeUInt8(header.protocolVersion ?? 1, o);
  const tb = terminalBytes(header.version);
  // Some terminals put hex nibbles in their number; what they sent is echoed back as it came.
  writeBcd(header.terminal, tb, 'the terminal number', true).copy(raw, o);
  o += tb;
  o = raw.writeUInt16BE(header.serial, o);
  if (sub) {
    o = raw.writeUInt16BE(sub.total, o);
    o = raw.writeUInt16BE(sub.index, o);
  }
  body.copy(raw, o);
  o += body.length;
  raw[o] = checkCode(raw, 0, o);
  const escaped = escape(raw);
  const frame = Buffer.allocUnsafe(escaped.length + 2);
  frame[0] = FLAG;
  escaped.copy(frame, 1);
  frame[frame.length - 1] = FLAG;
  return frame;
}

/**
 * Takes one frame apart: with or without its flags, escaped as it came off the wire. Refuses a bad escape,
 * a frame too short for its header, and a wrong check code. A body length field that disagrees with the
 * body is tolerated (the check code vouches for the bytes; some terminals miscount) and named in
 * `warnings`.
 */
export function decodePacket(frame: Buffer): Packet {
  let inner = frame;
  if (inner.length > 0 && inner[0] === FLAG) inner = inner.subarray(1);
  if (inner.length > 0 && inner[inner.length - 1] === FLAG) inner = inner.subarray(0, inner.length - 1);
  const raw = unescape(inner);
  if (raw.length < 5) {
    throw new Jt808Error(
      'length',
      `frame has ${raw.length} bytes, too short for a message ID and properties`,
    );
  }
  const msgId = raw.readUInt16BE(0);
  const props = raw.readUInt16BE(2);
  const version: Jt808Version = props & (1 << 14) ? '2019' : '2013';
  const sub = (props & (1 << 13)) !== 0;
  const need = headerLength(version, sub) + 1;
  if (raw.length < need) {
    throw new Jt808Error(
      'length',
      `frame has ${raw.length} bytes, a ${version} header${sub ? ' with sub-package fields' : ''} and check code need ${need}`,
    );
  }
  const end = raw.length - 1;
  const expected = checkCode(raw, 0, end);
  if (expected !== raw[end]) {
    throw new Jt808Error(
      'check_code',
      `check code is 0x${raw[end].toString(16).padStart(2, '0')}, the bytes give 0x${expected.toString(16).padStart(2, '0')}`,
    );
  }
  let o = 4;
  let protocolVersion: number | undefined;
  if (version === '2019') protocolVersion = raw[o++];
  const tb = terminalBytes(version);
  const terminal = readBcd(raw, o, tb);
  o += tb;
  const serial = raw.readUInt16BE(o);
  o += 2;
  let subPackage: Header['subPackage'];
  if (sub) {
    subPackage = { total: raw.readUInt16BE(o), index: raw.readUInt16BE(o + 2) };
    o += 4;
  }
  const body = Buffer.from(raw.subarray(o, end));
  const declared = props & 0x3ff;
  const warnings: string[] = [];
  if (declared !== body.length) {
    warnings.push(`body length field says ${declared} bytes, the body has ${body.length}`);
  }
  const header: Header = {
    msgId,
    version,
    ...(protocolVersion !== undefined ? { protocolVersion } : {}),
    terminal,
    serial,
    encryption: (props >> 10) & 0x7,
    ...(subPackage ? { subPackage } : {}),
  };
  return { header, body, warnings };
}

/** `0x0200`. */
export function msgIdHex(id: number): string {
  return `0x${id.toString(16).toUpperCase().padStart(4, '0')}`;
}
