import { msgIdHex } from './frame';
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
