/**
 * What can be wrong with a JT/T 808 frame, so that a gateway can count it by kind and a person reading
 * `npm run jt808 -- decode` is told exactly which part is bad.
 */
export type Jt808ErrorCode =
  /** 0x7d followed by something other than 0x01 or 0x02, or at the end of the frame. */
  | 'escape'
  /** The XOR check code does not match. */
  | 'check_code'
  /** Too short for its header, or a body too short for its message's fixed fields. */
  | 'length'
  /** A frame over the size limit, or one that never ends. */
  | 'too_large'
  /** A field that must be BCD digits holds something else. */
  | 'bcd'
  /** Text that GBK cannot write. */
  | 'text'
  /** A sub-package that cannot be placed or kept (index, count, too many in flight). */
  | 'sub_package'
  /** A well-formed value the encoder cannot write (out of range). */
  | 'range';

export class Jt808Error extends Error {
  constructor(
    readonly code: Jt808ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Jt808Error';
  }
}
