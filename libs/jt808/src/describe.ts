import { Jt808Error } from './errors';
import { FLAG, msgIdHex } from './frame';
import { decodeFrame } from './messages';
import { FrameSplitter } from './splitter';
import { locationView, type LocationView } from './location';
import type { Message } from './messages';

/**
 * A message as plain JSON (what `npm run jt808 -- decode` prints): `msgId` as `"0x0200"`, `terminal`,
 * `serial`, `version`, then the body's fields; a position report's fields in units (see LocationView), a
 * batch's fixes under `fixes`, bytes as hex.
 */
export function describeMessage(m: Message): Record<string, unknown> {
  const h = m.header;
  const out: Record<string, unknown> = {
    msgId: msgIdHex(h.msgId),
    terminal: h.terminal,
    serial: h.serial,
    version: h.version,
    ...(h.protocolVersion !== undefined ? { protocolVersion: h.protocolVersion } : {}),
    ...(h.encryption ? { encryption: h.encryption } : {}),
    ...(h.subPackage ? { subPackage: h.subPackage } : {}),
  };
  const b = m.body;
  switch (b.type) {
    case 'location':
      Object.assign(out, fix(b.location));
      break;
    case 'locationQueryResponse':
      Object.assign(out, { replySerial: b.replySerial }, fix(b.location));
      break;
    case 'batchLocation':
      Object.assign(out, { type: b.backfill ? 'backfill' : 'normal', fixes: b.locations.map(fix) });
      break;
    case 'unsupported':
      Object.assign(out, { unsupported: true, body: b.raw.toString('hex') });
      break;
    case 'terminalResponse':
    case 'platformResponse':
      Object.assign(out, { replySerial: b.replySerial, replyId: msgIdHex(b.replyId), result: b.result });
      break;
    case 'heartbeat':
    case 'logout':
    case 'locationQuery':
    case 'register':
    case 'registerResponse':
    case 'authenticate':
    case 'text': {
      const { type: _type, ...rest } = b;
      Object.assign(out, rest);
      break;
    }
  }
  if (m.warnings.length > 0) out.warnings = m.warnings;
  return out;
}

function fix(loc: Parameters<typeof locationView>[0]): Omit<LocationView, never> & { trailing?: string } {
  const v = locationView(loc);
  return loc.trailing ? { ...v, trailing: loc.trailing.toString('hex') } : v;
}

/**
 * Frames given as hex (spaces allowed, flags optional, several at once) as pretty JSON, one per frame, or
 * what is wrong with the first bad one (`check_code: …`).
 */
export function describeHex(input: string): { ok: true; lines: string[] } | { ok: false; error: string } {
  const hex = input.replace(/\s+/g, '').replace(/^0x/i, '');
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    return { ok: false, error: 'the frame must be an even number of hex digits' };
  }
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] !== FLAG) bytes = Buffer.concat([Buffer.from([FLAG]), bytes]);
  if (bytes[bytes.length - 1] !== FLAG || bytes.length === 1)
    bytes = Buffer.concat([bytes, Buffer.from([FLAG])]);
  const splitter = new FrameSplitter();
  const lines: string[] = [];
  const items = splitter.push(bytes);
  if (items.length === 0) return { ok: false, error: 'length: no frame between the 0x7e flags' };
  for (const [i, item] of items.entries()) {
    const which = items.length > 1 ? `frame ${i + 1}: ` : '';
    if ('error' in item) return { ok: false, error: `${which}${item.error.code}: ${item.error.message}` };
    try {
      lines.push(JSON.stringify(describeMessage(decodeFrame(item.frame)), null, 2));
    } catch (err) {
      if (err instanceof Jt808Error) return { ok: false, error: `${which}${err.code}: ${err.message}` };
      throw err;
    }
  }
  return { ok: true, lines };
}
