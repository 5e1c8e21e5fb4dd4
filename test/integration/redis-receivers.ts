import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { Names, NotifyChannel } from '@lg/contracts';
import { DeliveryQueue, type Channel, type DeliveryStore } from '@lg/notifications';
import {
  DEMO_NOTIFY_CREDENTIALS,
  freePort,
  NotifyReceivers,
  startRedisServer,
  type ManagedProcess,
} from '@lg/services';

/**
 * A test's own Redis server (in a temporary folder) and the notification receivers (SMTP, SMS and webhook
 * over HTTP, with the demo credentials): what the delivery and digest suites send through. The suite
 * calls `start` in its `beforeAll` and `stop` in its `afterAll`, after stopping its queues and workers.
 */
export class RedisAndReceivers {
  redis!: Redis;
  receivers!: NotifyReceivers;
  private dir: string | undefined;
  private redisProc: ManagedProcess | undefined;
  private port = 0;
  private readonly connections: Redis[] = [];

  async start(label: string): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), label));
    this.port = await freePort();
    this.redisProc = await startRedisServer({ dir: join(this.dir, 'redis'), port: this.port });
    this.redis = new Redis(this.url());
    this.receivers = await NotifyReceivers.start({ ...DEMO_NOTIFY_CREDENTIALS });
  }

  /** A new connection as BullMQ wants it (no limit on retries per request); `stop` closes it. */
  readonly connection = (): Redis => {
    const c = new Redis(this.url(), { maxRetriesPerRequest: null });
    this.connections.push(c);
    return c;
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
    await Promise.all(this.connections.map((c) => c.quit()));
    await this.redis?.quit();
    await this.receivers?.stop();
    await this.redisProc?.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
}
