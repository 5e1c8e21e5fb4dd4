import { Injectable } from '@nestjs/common';
import { isRejectionRecord, rejectionChannel, type RejectionRecord } from '@lg/contracts';
import { GatewayRedis } from '../infra/redis';
import { ChannelFeed } from './channel-feed';

/** At most this many refusals of one owner are pushed per second; the rest are in the history. */
export const LIVE_REJECTIONS_PER_OWNER_PER_SEC = 50;

/**
 * Refused messages as ingest keeps them (its pub/sub channel), handed on to this gateway's own clients:
 * every gateway receives every batch, like positions. A flood is thinned per owner so that no dashboard
 * drowns; what is not pushed is still in `GET /api/rejections`.
 */
@Injectable()
export class RejectionsFeed extends ChannelFeed {
  private windowStart = 0;
  private readonly sent = new Map<string, number>();

  constructor(redis: GatewayRedis) {
    super(redis, 'rejections');
  }

  start(onRecord: (record: RejectionRecord) => void): Promise<void> {
    return this.listen(rejectionChannel(this.redis.names.prefix), (message) => {
      for (const r of this.admit(message)) onRecord(r);
    });
  }

  /** The records of one batch that are well formed and within their owner's share of this second. */
  admit(message: string): RejectionRecord[] {
    const batch = this.read(message, 'array') as unknown[] | undefined;
    if (!batch) return [];
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.sent.clear();
    }
    const out: RejectionRecord[] = [];
    for (const r of batch) {
      if (!isRejectionRecord(r)) continue;
      const n = this.sent.get(r.owner) ?? 0;
      if (n >= LIVE_REJECTIONS_PER_OWNER_PER_SEC) continue;
      this.sent.set(r.owner, n + 1);
      out.push(r);
    }
    return out;
  }
}
