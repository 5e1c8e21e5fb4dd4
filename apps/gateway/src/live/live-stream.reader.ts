import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { LiveRecord } from '@lg/contracts';
import { LiveStreamDispatcher } from '@lg/redis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayRedis } from '../infra/redis';

/**
 * The gateway's share of the live stream: with several gateways, exactly one of them hands the stream to
 * Socket.IO at a time (the lease of `LiveStreamDispatcher`), broadcasting through the Redis streams adapter,
 * which delivers each event to the clients of every gateway once.
 */
@Injectable()
export class LiveStreamReader {
  private readonly dispatcher: LiveStreamDispatcher;
  private blocking: Redis | undefined;

  constructor(
    private readonly redis: GatewayRedis,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    const n = redis.names;
    this.dispatcher = new LiveStreamDispatcher(
      redis.commands,
      { stream: n.live, lease: n.liveDispatchLease, cursor: n.liveDispatchCursor },
      `gateway-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      config.LIVE_LEASE_MS,
      new Logger('live-stream'),
    );
  }

  /** Is this gateway the one dispatching the live stream? */
  get dispatching(): boolean {
    return this.dispatcher.dispatching;
  }

  /** True once this gateway dispatches and knows where to start (tests wait for it before writing). */
  get started(): boolean {
    return this.dispatcher.started;
  }

  /**
   * Starts competing for the dispatcher's lease. `onRecord` broadcasts one entry; `sink` is the connection
   * those broadcasts go out on (the cursor is written there after them).
   */
  start(onRecord: (record: LiveRecord) => void, sink: Redis): void {
    if (this.blocking) return;
    this.blocking = this.redis.openBlocking('live-stream');
    this.dispatcher.start(this.blocking, sink, onRecord);
  }

  async stop(): Promise<void> {
    // A blocked XREAD would hold the stop for the whole block time: drop the connection instead.
    this.blocking?.disconnect();
    await this.dispatcher.stop();
  }
}
