import { Injectable } from '@nestjs/common';
import { isPosition, type Position } from '@lg/contracts';
import { GatewayRedis } from '../infra/redis';
import { ChannelFeed } from './channel-feed';

/** Positions are pushed at most this often. */
export const POSITIONS_INTERVAL_MS = 1000;

/**
 * Truck positions from the positions channel (each ingest process publishes a batch about once a second).
 * Batches are merged by truck, newest fix winning, and handed on at most once a second: only the trucks that
 * moved since the last push. The newest fix of every truck is kept for clients that connect later.
 */
@Injectable()
export class PositionsFeed extends ChannelFeed {
  private timer: NodeJS.Timeout | undefined;
  private readonly latest = new Map<string, Position>();
  private pending = new Map<string, Position>();

  constructor(redis: GatewayRedis) {
    super(redis, 'positions');
  }

  async start(onBatch: (positions: Position[]) => void): Promise<void> {
    if (this.listening) return;
    await this.listen(this.redis.names.positionsChannel, (message) => this.merge(message));
    this.timer = setInterval(() => {
      if (this.pending.size === 0) return;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      onBatch(batch);
    }, POSITIONS_INTERVAL_MS);
    this.timer.unref();
  }

  override stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    super.stop();
  }

  /** The newest fix of every truck seen, for a client that just connected. */
  snapshot(): Position[] {
    return [...this.latest.values()];
  }

  merge(message: string): void {
    const batch = this.read(message, 'array') as unknown[] | undefined;
    for (const p of batch ?? []) {
      if (!isPosition(p)) continue;
      const known = this.latest.get(p.id);
      if (known && Date.parse(known.ts) > Date.parse(p.ts)) continue;
      this.latest.set(p.id, p);
      this.pending.set(p.id, p);
    }
  }
}
