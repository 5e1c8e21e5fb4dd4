import { Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { REJECT_REASONS, rejectionChannel, type RejectionRecord } from '@lg/contracts';
import { GatewayRedis } from '../infra/redis';

/** At most this many refusals of one owner are pushed per second; the rest are in the history. */
export const LIVE_REJECTIONS_PER_OWNER_PER_SEC = 50;

/**
 * Refused messages as ingest keeps them (its pub/sub channel), handed on to this gateway's own clients:
 * every gateway receives every batch, like positions. A flood is thinned per owner so that no dashboard
 * drowns; what is not pushed is still in `GET /api/rejections`.
 */
@Injectable()
export class RejectionsFeed {
  private readonly logger = new Logger('rejections');
  private subscriber: Redis | undefined;
  private windowStart = 0;
  private readonly sent = new Map<string, number>();
  private malformed = 0;

  constructor(private readonly redis: GatewayRedis) {}

  async start(onRecord: (record: RejectionRecord) => void): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.openSubscriber('rejections');
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => {
      for (const r of this.admit(message)) onRecord(r);
    });
    await subscriber.subscribe(rejectionChannel(this.redis.names.prefix));
  }

  stop(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  /** The records of one batch that are well formed and within their owner's share of this second. */
  admit(message: string): RejectionRecord[] {
    let batch: unknown;
    try {
      batch = JSON.parse(message);
    } catch {
      batch = undefined;
    }
    if (!Array.isArray(batch)) {
      if (this.malformed++ % 1000 === 0)
        this.logger.warn('ignored a rejections message that is not an array');
      return [];
    }
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.sent.clear();
    }
    const out: RejectionRecord[] = [];
    for (const r of batch as unknown[]) {
      if (!isRecord(r)) continue;
      const n = this.sent.get(r.owner) ?? 0;
      if (n >= LIVE_REJECTIONS_PER_OWNER_PER_SEC) continue;
      this.sent.set(r.owner, n + 1);
      out.push(r);
    }
    return out;
  }
}

function isRecord(v: unknown): v is RejectionRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.owner === 'string' &&
    typeof r.device === 'string' &&
    typeof r.reason === 'string' &&
    (REJECT_REASONS as readonly string[]).includes(r.reason) &&
    typeof r.receivedAt === 'string'
  );
}
