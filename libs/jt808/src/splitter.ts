import { FLAG, MAX_BODY_BYTES } from './frame';
import { Jt808Error } from './errors';

/**
 * The largest escaped frame a conforming terminal can send: a 2019 header with sub-package fields (21
 * bytes), a full body and the check code, every byte escaped to two.
 */
export const MAX_FRAME_BYTES = 2 * (21 + MAX_BODY_BYTES + 1);

export type SplitItem = { frame: Buffer } | { error: Jt808Error };

/**
 * Cuts a TCP byte stream into frames on 0x7e. Holds at most `maxFrameBytes` of an unfinished frame: a
 * longer one (or one that never ends) is reported once as `too_large` and its bytes dropped up to the next
 * flag, so a sender can never make it buffer without bound. Bytes before the first flag are dropped
 * (counted in `discarded`). Frames come out escaped, without their flags (see `decodePacket`).
 */
export class FrameSplitter {
  private parts: Buffer[] = [];
  private size = 0;
  private started = false;
  private skipping = false;
  /** Bytes thrown away: before the first flag, and of oversized frames. */
  discarded = 0;

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  push(chunk: Buffer): SplitItem[] {
    const out: SplitItem[] = [];
    let start = 0;
    for (;;) {
      const flag = chunk.indexOf(FLAG, start);
      const end = flag === -1 ? chunk.length : flag;
      if (end > start) this.take(chunk.subarray(start, end), out);
      if (flag === -1) break;
      this.close(out);
      start = flag + 1;
    }
    return out;
  }

  /** Bytes of an unfinished frame held now. */
  get buffered(): number {
    return this.size;
  }

  private take(bytes: Buffer, out: SplitItem[]): void {
    if (!this.started || this.skipping) {
      this.discarded += bytes.length;
      return;
    }
    if (this.size + bytes.length > this.maxFrameBytes) {
      this.discarded += this.size + bytes.length;
      this.parts = [];
      this.size = 0;
      this.skipping = true;
      out.push({
        error: new Jt808Error(
          'too_large',
          `frame longer than ${this.maxFrameBytes} bytes without a closing 0x7e`,
        ),
      });
      return;
    }
    // Copied: the socket's chunk may be reused once we return.
    this.parts.push(Buffer.from(bytes));
    this.size += bytes.length;
  }

  private close(out: SplitItem[]): void {
    // A flag both ends one frame and may start the next; `7e 7e` between frames holds nothing.
    if (this.started && !this.skipping && this.size > 0) {
      out.push({ frame: this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.size) });
    }
    this.parts = [];
    this.size = 0;
    this.started = true;
    this.skipping = false;
  }
}
