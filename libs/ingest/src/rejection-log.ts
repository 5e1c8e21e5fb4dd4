import type Redis from 'ioredis';
import {
  MAX_PAYLOAD_BYTES,
  REJECTION_EXCERPT_MAX,
  REJECTION_HISTORY_MAX_AGE_MS,
  REJECTION_HISTORY_MAX_COUNT,
  REJECTION_TEXT_MAX,
  REJECTION_TOPIC_MAX,
  rejectionChannel,
  rejectionHistoryKey,
  type RejectionRecord,
} from '@lg/contracts';
import type { Refusal } from './intake';

/** What a refusal echoes of the message it refuses, so that a platform can tell which reading it was. */
export interface RefusalEcho {
  ts?: number | string;
  correlationData?: string;
}

/**
 * Reads a refused message's `ts` for each refusal of it, parsing the payload at most once per message
 * (a batch of 1000 bad readings is 1000 refusals). Payloads over the contract's size, or not JSON, echo
 * nothing: they were refused before any reading was read.
 */
export class MessageEcho {
  private parsed: unknown;
  private tried = false;
  private readonly correlation: string | undefined;

  constructor(
    private readonly payload: Buffer,
    correlationData?: Buffer,
  ) {
    if (correlationData && correlationData.length > 0)
      this.correlation = correlationData.subarray(0, 64).toString('hex');
  }

  of(refusal: Pick<Refusal, 'index'>): RefusalEcho {
    const out: RefusalEcho = {};
    const reading = this.reading(refusal.index);
    const ts = typeof reading === 'object' && reading !== null ? (reading as { ts?: unknown }).ts : undefined;
    if (typeof ts === 'number' && Number.isFinite(ts)) out.ts = ts;
    else if (typeof ts === 'string') out.ts = ts.slice(0, 40);
    if (this.correlation !== undefined) out.correlationData = this.correlation;
    return out;
  }

  private reading(index: number | undefined): unknown {
    if (!this.tried) {
      this.tried = true;
      if (this.payload.length <= MAX_PAYLOAD_BYTES) {
        try {
          this.parsed = JSON.parse(this.payload.toString('utf8'));
        } catch {
          this.parsed = undefined;
        }
      }
    }
    if (index !== undefined) return Array.isArray(this.parsed) ? (this.parsed[index] as unknown) : undefined;
    return Array.isArray(this.parsed) ? undefined : this.parsed;
  }
}

/**
 * The start of a payload as safe text: decoded as UTF-8 (bad bytes become U+FFFD), control characters
 * escaped, cut at `max` characters. Never more than `max * 4` bytes of the payload are read.
 */
export function payloadExcerpt(payload: Buffer, max = REJECTION_EXCERPT_MAX): string {
  const head = payload.subarray(0, max * 4).toString('utf8');
  let out = '';
  for (const ch of head) {
    if (out.length >= max) break;
    const code = ch.codePointAt(0)!;
    out += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
  }
  return out.length > max ? out.slice(0, max) : out;
}

export interface RejectionLogOptions {
  /** Refusals kept per owner at most (default `REJECTION_HISTORY_MAX_COUNT`). */
  maxPerOwner?: number;
  /** …and for at most this long, ms (default a week). */
  maxAgeMs?: number;
  /**
   * Refusals of one owner written per flush at most; the rest of a flood is counted (`dropped`) and not
   * kept, so that memory and Redis writes stay bounded whatever a client sends. Default 100.
   */
  maxPerOwnerPerFlush?: number;
  /** How often pending refusals are written, ms (default 100). */
  flushMs?: number;
  /**
   * Given every batch of refusals once kept (with their history entry IDs): ingest writes them to InfluxDB,
   * where they stay for the years handling records are kept (the Redis history keeps a week).
   */
  archive?: (records: RejectionRecord[]) => void;
  /** Every refusal of a registered owner, kept or not (per-owner metrics). */
  onRefusal?: (owner: string) => void;
  onError?: (err: unknown) => void;
  now?: () => number;
}

interface Pending {
  fields: Omit<RejectionRecord, 'id'>;
}

/**
 * Keeps refused messages per owner for the integration console: one capped Redis stream per owner
 * (`{prefix}:rejections:{owner}`, trimmed exactly to a count and to an age, whichever comes first: an
 * exact trim removes one entry per entry added, so it costs no more than the approximate one), written in
 * batches off the path of the message, and announced on a pub/sub channel for the gateways' `/live`.
 * Only owners of the registry have a history (the broker's ACL admits no other, but a topic is a
 * client's input); the number of keys is fixed by the registry. A failed write is reported and the batch
 * dropped: the history is a convenience, the refusal itself was already counted and republished.
 */
export class RejectionLog {
  private readonly pending = new Map<string, Pending[]>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly o: Required<Omit<RejectionLogOptions, 'onError' | 'onRefusal' | 'archive'>> &
    Pick<RejectionLogOptions, 'onError' | 'onRefusal' | 'archive'>;
  /** Refusals not kept because their owner's batch was full (a flood), since start. */
  dropped = 0;
  /** Refusals kept, since start. */
  kept = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly isOwner: (owner: string) => boolean,
    options: RejectionLogOptions = {},
  ) {
    this.o = {
      maxPerOwner: options.maxPerOwner ?? REJECTION_HISTORY_MAX_COUNT,
      maxAgeMs: options.maxAgeMs ?? REJECTION_HISTORY_MAX_AGE_MS,
      maxPerOwnerPerFlush: options.maxPerOwnerPerFlush ?? 100,
      flushMs: options.flushMs ?? 100,
      now: options.now ?? Date.now,
      onError: options.onError,
      onRefusal: options.onRefusal,
      archive: options.archive,
    };
  }

  /** Notes one refusal of a message; written with the next flush. */
  note(refusal: Refusal, payload: Buffer, rx: number, echo: RefusalEcho): void {
    const { owner } = refusal.where;
    if (!this.isOwner(owner)) return;
    this.o.onRefusal?.(owner);
    let list = this.pending.get(owner);
    if (!list) this.pending.set(owner, (list = []));
    if (list.length >= this.o.maxPerOwnerPerFlush) {
      this.dropped++;
      return;
    }
    const fields: Omit<RejectionRecord, 'id'> = {
      owner,
      device: refusal.where.device.slice(0, 64),
      kind: refusal.where.kind.slice(0, 16),
      reason: refusal.reason,
      message: refusal.message.slice(0, REJECTION_TEXT_MAX),
      topic: refusal.where.topic.slice(0, REJECTION_TOPIC_MAX),
      receivedAt: new Date(rx).toISOString(),
      ...(refusal.index !== undefined ? { index: refusal.index } : {}),
      ...echo,
      excerpt: payloadExcerpt(payload),
      bytes: payload.length,
    };
    list.push({ fields });
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.o.flushMs);
      this.timer.unref();
    }
  }

  /** Writes what is pending (resolves once written or failed). */
  flush(): Promise<void> {
    const batch = [...this.pending];
    this.pending.clear();
    if (batch.length === 0) return this.flushing;
    this.flushing = this.flushing.then(() => this.write(batch));
    return this.flushing;
  }

  /** Stops the timer and writes what is pending. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private async write(batch: Array<[string, Pending[]]>): Promise<void> {
    try {
      const minId = Math.max(0, this.o.now() - this.o.maxAgeMs);
      const pipe = this.redis.pipeline();
      const added: Array<{ at: number; fields: Omit<RejectionRecord, 'id'> }> = [];
      let at = 0;
      for (const [owner, list] of batch) {
        const key = rejectionHistoryKey(this.prefix, owner);
        for (const p of list) {
          pipe.xadd(key, 'MAXLEN', this.o.maxPerOwner, '*', 'j', JSON.stringify(p.fields));
          added.push({ at: at++, fields: p.fields });
        }
        pipe.xtrim(key, 'MINID', minId);
        at++;
      }
      const results = (await pipe.exec()) ?? [];
      const records: RejectionRecord[] = [];
      for (const { at: slot, fields } of added) {
        const [err, id] = results[slot] ?? [null, null];
        if (!err && typeof id === 'string') records.push({ id, ...fields });
      }
      this.kept += records.length;
      if (records.length > 0) {
        this.o.archive?.(records);
        await this.redis.publish(rejectionChannel(this.prefix), JSON.stringify(records));
      }
    } catch (err) {
      this.o.onError?.(err);
    }
  }
}
