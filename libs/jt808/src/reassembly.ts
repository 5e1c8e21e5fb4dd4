import { Jt808Error } from './errors';
import { MAX_BODY_BYTES, type Packet } from './frame';

export interface ReassemblyLimits {
  /** Messages being reassembled at once on one connection; one more is refused. */
  maxMessages: number;
  /** Packages one message may have (a 0x0704 backfill of 65535 packages would hold 64 MiB). */
  maxPackages: number;
  /** A message whose packages stop arriving for this long is dropped, ms. */
  timeoutMs: number;
}

export const DEFAULT_REASSEMBLY: ReassemblyLimits = { maxMessages: 8, maxPackages: 64, timeoutMs: 60_000 };

interface Pending {
  packets: Array<Packet | undefined>;
  have: number;
  bytes: number;
  lastAt: number;
}

export type AssemblyResult =
  { state: 'complete'; packet: Packet } | { state: 'pending' } | { state: 'refused'; error: Jt808Error };

/**
 * Reassembles sub-packaged messages of one connection. The packages of one message carry consecutive
 * serial numbers (index 1 has the first), so a message is keyed by its ID, its total and the serial of
 * its first package; repeated packages are taken once. Bounded in messages, packages and time (see
 * ReassemblyLimits). Pure: time comes from the caller.
 */
export class SubPackageAssembler {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly limits: ReassemblyLimits = DEFAULT_REASSEMBLY) {}

  add(packet: Packet, now: number): AssemblyResult {
    const sub = packet.header.subPackage;
    if (!sub) return { state: 'complete', packet };
    this.expire(now);
    const { total, index } = sub;
    if (total < 1 || index < 1 || index > total) {
      return this.refuse(`package ${index} of ${total} cannot be placed (index must be 1..total)`);
    }
    if (total > this.limits.maxPackages) {
      return this.refuse(`a message of ${total} packages is over the limit of ${this.limits.maxPackages}`);
    }
    const first = (packet.header.serial - (index - 1) + 0x10000) & 0xffff;
    const key = `${packet.header.msgId}:${total}:${first}`;
    let p = this.pending.get(key);
    if (!p) {
      if (this.pending.size >= this.limits.maxMessages) {
        return this.refuse(
          `${this.pending.size} sub-packaged messages are already being reassembled (the limit)`,
        );
      }
      p = { packets: new Array<Packet | undefined>(total).fill(undefined), have: 0, bytes: 0, lastAt: now };
      this.pending.set(key, p);
    }
    p.lastAt = now;
    if (!p.packets[index - 1]) {
      p.packets[index - 1] = packet;
      p.have++;
      p.bytes += packet.body.length;
    }
    if (p.have < total) return { state: 'pending' };
    this.pending.delete(key);
    const parts = p.packets as Packet[];
    const body = Buffer.concat(
      parts.map((x) => x.body),
      p.bytes,
    );
    const { subPackage: _drop, ...header } = parts[0].header;
    return {
      state: 'complete',
      packet: { header, body, warnings: parts.flatMap((x) => x.warnings) },
    };
  }

  /** Drops messages whose packages stopped arriving; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (const [key, p] of this.pending) {
      if (now - p.lastAt >= this.limits.timeoutMs) {
        this.pending.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  private refuse(message: string): AssemblyResult {
    return { state: 'refused', error: new Jt808Error('sub_package', message) };
  }
}

/** Splits a long body into sub-packages of at most `maxBody` bytes, with consecutive serials. */
export function subPackageBodies(body: Buffer, maxBody = MAX_BODY_BYTES): Buffer[] {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += maxBody) parts.push(body.subarray(i, i + maxBody));
  return parts.length > 0 ? parts : [body];
}
