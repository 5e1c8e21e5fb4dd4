import type Redis from 'ioredis';
import type { Names, NotifyChannel } from '@lg/contracts';
import { DeliveryQueue, type Channel, type DeliveryStore } from '@lg/notifications';
import { DEMO_NOTIFY_CREDENTIALS, NotifyReceivers } from '@lg/services';
import { RedisServerStand } from './redis-server';

/**
 * A test's own Redis server (in a temporary folder) and the notification receivers (SMTP, SMS and webhook
 * over HTTP, with the demo credentials): what the delivery and digest suites send through. The suite
 * calls `start` in its `beforeAll` and `stop` in its `afterAll`, after stopping its queues and workers.
 */
export class RedisAndReceivers {
  redis!: Redis;
  receivers!: NotifyReceivers;
  private server: RedisServerStand | undefined;

  async start(label: string): Promise<void> {
    this.server = await RedisServerStand.start(label);
    this.redis = this.server.redis;
    this.receivers = await NotifyReceivers.start({ ...DEMO_NOTIFY_CREDENTIALS });
  }

  /** A new connection as BullMQ wants it (no limit on retries per request); `stop` closes it. */
  readonly connection = (): Redis => {
    if (!this.server) throw new Error('the Redis server is asked for a connection before it started');
    return this.server.connect({ maxRetriesPerRequest: null });
  };

  /**
   * A delivery queue on this Redis sending through `channels` (3 attempts, 100 ms apart), started and
   * consuming; the suite stops it before `stop`.
   */
  async deliveryQueue(
    n: Names,
    store: DeliveryStore,
    channels: Map<NotifyChannel, Channel>,
    o: { timeoutMs: number; throttlePerMinute: number },
  ): Promise<DeliveryQueue> {
    const queue = new DeliveryQueue(this.redis, n, store, channels, {
      connection: this.connection,
      bullPrefix: n.bullPrefix,
      attempts: 3,
      backoffMs: 100,
      ...o,
    });
    await queue.start(true);
    return queue;
  }

  async stop(): Promise<void> {
    await this.receivers?.stop();
    await this.server?.stop();
  }
}
