import { Jt808Error } from './errors';

/**
 * GBK text (plates, text messages). Node decodes GBK itself (WHATWG `gbk`, i.e. GB18030's decoder) but
 * encodes only UTF-8, so the encoder is the decoder's inverse: a table of every two-byte GBK code, built
 * once on first use (about 22,000 entries, a few milliseconds). Characters outside GBK are refused by name
 * rather than sent as `?` to a driver.
 */
const decoder = new TextDecoder('gbk');
let table: Map<string, number> | undefined;

function reverseTable(): Map<string, number> {
  if (table) return table;
  const map = new Map<string, number>();
  const pair = Buffer.alloc(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const ch = decoder.decode(pair);
      if (ch.length === 1 && ch !== '\ufffd' && !map.has(ch)) map.set(ch, (lead << 8) | trail);
    }
  }
  return (table = map);
}

export function decodeGbk(buf: Buffer): string {
  return decoder.decode(buf);
}

export function encodeGbk(text: string): Buffer {
  // ASCII exactly when UTF-8 spends one byte a character.
  if (Buffer.byteLength(text, 'utf8') === text.length) return Buffer.from(text, 'latin1');
  const out: number[] = [];
  const codes = reverseTable();
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      out.push(c);
      continue;
    }
    const code = codes.get(ch);
    if (code === undefined) {
      throw new Jt808Error('text', `"${ch}" (U+${c.toString(16).toUpperCase()}) cannot be written in GBK`);
    }
    out.push(code >> 8, code & 0xff);
  }
  return Buffer.from(out);
}
