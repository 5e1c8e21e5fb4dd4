import { Jt808Error } from './errors';
import { decodeGbk, encodeGbk } from './gbk';
import { decodePacket, encodePacket, type Header, type Jt808Version, type Packet } from './frame';
import { decodeLocation, encodeLocation, LOCATION_FIXED_BYTES, type Location } from './location';

/** Message IDs the platform speaks. */
export const MSG = {
  terminalResponse: 0x0001,
  heartbeat: 0x0002,
  logout: 0x0003,
  register: 0x0100,
  authenticate: 0x0102,
  location: 0x0200,
  locationQueryResponse: 0x0201,
  batchLocation: 0x0704,
  platformResponse: 0x8001,
  registerResponse: 0x8100,
  locationQuery: 0x8201,
  text: 0x8300,
} as const;

export type MessageType = keyof typeof MSG;

/** Result of a general response, 0x0001 and 0x8001 (0x8001 adds 4: alarm handling confirmed). */
export const RESULT = {
  success: 0,
  failure: 1,
  messageError: 2,
  notSupported: 3,
  alarmConfirmed: 4,
} as const;

/** Result of a registration, 0x8100. */
export const REGISTER_RESULT = {
  success: 0,
  vehicleRegistered: 1,
  noSuchVehicle: 2,
  terminalRegistered: 3,
  noSuchTerminal: 4,
} as const;

/** Plate colours (JT/T 697.7): 0 means the vehicle is not yet plated, the VIN is sent instead. */
export const PLATE_COLOR = { none: 0, blue: 1, yellow: 2, black: 3, white: 4, green: 5, other: 9 } as const;

export type Body =
  | { type: 'terminalResponse'; replySerial: number; replyId: number; result: number }
  | { type: 'platformResponse'; replySerial: number; replyId: number; result: number }
  | { type: 'heartbeat' }
  | { type: 'logout' }
  | {
      type: 'register';
      province: number;
      city: number;
      maker: string;
      model: string;
      terminalId: string;
      plateColor: number;
      plate: string;
    }
  | { type: 'registerResponse'; replySerial: number; result: number; authCode?: string }
  | { type: 'authenticate'; authCode: string; imei?: string; software?: string }
  | { type: 'location'; location: Location }
  | { type: 'batchLocation'; backfill: boolean; locations: Location[] }
  | { type: 'text'; flags: number; textType?: number; text: string }
  | { type: 'locationQuery' }
  | { type: 'locationQueryResponse'; replySerial: number; location: Location }
  | { type: 'unsupported'; msgId: number; raw: Buffer };

export interface Message {
  header: Header;
  body: Body;
  warnings: string[];
}

const BY_ID = new Map<number, MessageType>(Object.entries(MSG).map(([k, v]) => [v, k as MessageType]));

/** Registration field widths: maker, model, terminal ID (2013 and 2019). */
const REGISTER_WIDTHS: Record<Jt808Version, [number, number, number]> = {
  '2013': [5, 20, 7],
  '2019': [11, 30, 30],
};

function need(body: Buffer, bytes: number, what: string): void {
  if (body.length < bytes) {
    throw new Jt808Error('length', `${what} needs at least ${bytes} body bytes, got ${body.length}`);
  }
}

/** Fixed-width ASCII, padded with 0x00 (some terminals pad with spaces: both are trimmed). */
function readPadded(buf: Buffer, offset: number, length: number): string {
  return buf
    .toString('latin1', offset, offset + length)
    .replace(/[\0 ]+$/, '')
    .replace(/^\0+/, '');
}

function writePadded(text: string, length: number, what: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  if (bytes.length > length || !/^[\x20-\x7e]*$/.test(text)) {
    throw new Jt808Error('range', `${what} must be at most ${length} printable ASCII characters`);
  }
  const out = Buffer.alloc(length);
  bytes.copy(out);
  return out;
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}

/** Reads a body by its message ID. An ID the platform does not speak is `unsupported`, its bytes kept. */
export function decodeBody(header: Header, body: Buffer): Body {
  const type = BY_ID.get(header.msgId);
  switch (type) {
    case undefined:
      return { type: 'unsupported', msgId: header.msgId, raw: body };
    case 'terminalResponse':
    case 'platformResponse':
      need(body, 5, type === 'terminalResponse' ? 'a terminal response' : 'a platform response');
      return { type, replySerial: body.readUInt16BE(0), replyId: body.readUInt16BE(2), result: body[4] };
    case 'heartbeat':
    case 'logout':
    case 'locationQuery':
      return { type };
    case 'register': {
      const [m, md, id] = REGISTER_WIDTHS[header.version];
      const fixed = 4 + m + md + id + 1;
      need(body, fixed, `a ${header.version} registration`);
      return {
        type,
        province: body.readUInt16BE(0),
        city: body.readUInt16BE(2),
        maker: readPadded(body, 4, m),
        model: readPadded(body, 4 + m, md),
        terminalId: readPadded(body, 4 + m + md, id),
        plateColor: body[fixed - 1],
        plate: decodeGbk(body.subarray(fixed)),
      };
    }
    case 'registerResponse': {
      need(body, 3, 'a registration response');
      const result = body[2];
      return {
        type,
        replySerial: body.readUInt16BE(0),
        result,
        ...(result === REGISTER_RESULT.success ? { authCode: body.toString('latin1', 3) } : {}),
      };
    }
    case 'authenticate': {
      if (header.version === '2013') return { type, authCode: body.toString('latin1') };
      need(body, 1, 'a 2019 authentication');
      const n = body[0];
      need(body, 1 + n + 15 + 20, 'a 2019 authentication');
      return {
        type,
        authCode: body.toString('latin1', 1, 1 + n),
        imei: readPadded(body, 1 + n, 15),
        software: readPadded(body, 1 + n + 15, 20),
      };
    }
    case 'location':
      return { type, location: decodeLocation(body) };
    case 'locationQueryResponse':
      need(body, 2 + LOCATION_FIXED_BYTES, 'a location query response');
      return { type, replySerial: body.readUInt16BE(0), location: decodeLocation(body, 2) };
    case 'batchLocation': {
      need(body, 3, 'a batch position report');
      const count = body.readUInt16BE(0);
      const locations: Location[] = [];
      let o = 3;
      for (let i = 0; i < count; i++) {
        if (o + 2 > body.length) {
          throw new Jt808Error('length', `batch says ${count} fixes, the body ends after ${i}`);
        }
        const len = body.readUInt16BE(o);
        if (o + 2 + len > body.length) {
          throw new Jt808Error(
            'length',
            `fix ${i} of the batch says ${len} bytes, only ${body.length - o - 2} remain`,
          );
        }
        locations.push(decodeLocation(body, o + 2, o + 2 + len));
        o += 2 + len;
      }
      return { type, backfill: body[2] === 1, locations };
    }
    case 'text': {
      need(body, header.version === '2019' ? 2 : 1, 'a text message');
      if (header.version === '2013') return { type, flags: body[0], text: decodeGbk(body.subarray(1)) };
      return { type, flags: body[0], textType: body[1], text: decodeGbk(body.subarray(2)) };
    }
  }
}

/** The message ID of a body. */
export function msgIdOf(body: Body): number {
  return body.type === 'unsupported' ? body.msgId : MSG[body.type];
}

export function encodeBody(version: Jt808Version, body: Body): Buffer {
  switch (body.type) {
    case 'unsupported':
      return body.raw;
    case 'terminalResponse':
    case 'platformResponse':
      return Buffer.concat([u16(body.replySerial), u16(body.replyId), Buffer.from([body.result])]);
    case 'heartbeat':
    case 'logout':
    case 'locationQuery':
      return Buffer.alloc(0);
    case 'register': {
      const [m, md, id] = REGISTER_WIDTHS[version];
      return Buffer.concat([
        u16(body.province),
        u16(body.city),
        writePadded(body.maker, m, 'maker'),
        writePadded(body.model, md, 'model'),
        writePadded(body.terminalId, id, 'terminal ID'),
        Buffer.from([body.plateColor]),
        encodeGbk(body.plate),
      ]);
    }
    case 'registerResponse':
      return Buffer.concat([
        u16(body.replySerial),
        Buffer.from([body.result]),
        body.result === REGISTER_RESULT.success
          ? Buffer.from(body.authCode ?? '', 'latin1')
          : Buffer.alloc(0),
      ]);
    case 'authenticate': {
      const code = Buffer.from(body.authCode, 'latin1');
      if (version === '2013') return code;
      if (code.length > 255) throw new Jt808Error('range', 'an authentication code is at most 255 bytes');
      return Buffer.concat([
        Buffer.from([code.length]),
        code,
        writePadded(body.imei ?? '', 15, 'IMEI'),
        writePadded(body.software ?? '', 20, 'software version'),
      ]);
    }
    case 'location':
      return encodeLocation(body.location);
    case 'locationQueryResponse':
      return Buffer.concat([u16(body.replySerial), encodeLocation(body.location)]);
    case 'batchLocation': {
      const parts: Buffer[] = [u16(body.locations.length), Buffer.from([body.backfill ? 1 : 0])];
      for (const loc of body.locations) {
        const b = encodeLocation(loc);
        parts.push(u16(b.length), b);
      }
      return Buffer.concat(parts);
    }
    case 'text': {
      const text = encodeGbk(body.text);
      return version === '2013'
        ? Buffer.concat([Buffer.from([body.flags]), text])
        : Buffer.concat([Buffer.from([body.flags, body.textType ?? 1]), text]);
    }
  }
}

/** Where a message goes: the header fields other than its ID. */
export interface Address {
  version: Jt808Version;
  protocolVersion?: number;
  terminal: string;
  serial: number;
}

/** One whole frame for a message (its body must fit one package). */
export function encodeMessage(to: Address, body: Body): Buffer {
  const header: Header = {
    msgId: msgIdOf(body),
    version: to.version,
    ...(to.version === '2019' ? { protocolVersion: to.protocolVersion ?? 1 } : {}),
    terminal: to.terminal,
    serial: to.serial,
    encryption: 0,
  };
  return encodePacket(header, encodeBody(to.version, body));
}

/** A reassembled (or single) packet's message. Encrypted bodies are not read: see docs/jt808.md. */
export function decodeMessage(packet: Packet): Message {
  if (packet.header.encryption !== 0) {
    return {
      header: packet.header,
      body: { type: 'unsupported', msgId: packet.header.msgId, raw: packet.body },
      warnings: [...packet.warnings, 'the body is encrypted, which the platform does not read'],
    };
  }
  return { header: packet.header, body: decodeBody(packet.header, packet.body), warnings: packet.warnings };
}

/** A frame off the wire (one package) as a message. */
export function decodeFrame(frame: Buffer): Message {
  return decodeMessage(decodePacket(frame));
}
