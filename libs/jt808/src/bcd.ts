import { Jt808Error } from './errors';

/** Packed BCD as the digit string it holds (each byte two digits, high nibble first). */
export function readBcd(buf: Buffer, offset: number, length: number): string {
  return buf.toString('hex', offset, offset + length);
}

/**
 * Writes a digit string as packed BCD of `length` bytes, left-padded with zeros. `nibbles`: any hex digit
 * is written as it is (a terminal number echoed back to a terminal that sent non-decimal nibbles).
 */
export function writeBcd(digits: string, length: number, what: string, nibbles = false): Buffer {
  if (!(nibbles ? /^[0-9a-fA-F]*$/ : /^[0-9]*$/).test(digits)) {
    throw new Jt808Error('bcd', `${what} must be decimal digits, got "${digits}"`);
  }
  if (digits.length > length * 2) {
    throw new Jt808Error('range', `${what} has ${digits.length} digits, at most ${length * 2} fit`);
  }
  return Buffer.from(digits.padStart(length * 2, '0'), 'hex');
}
