import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { subscribeAlways, type LastingSubscription } from '@lg/redis';
import type { GatewayRedis } from '../infra/redis';

/**
 * A Redis pub/sub channel that a feed hands on to this gateway's own clients (positions, refusals, duty
 * checks): one subscriber connection per feed, and messages read as JSON with bounded warnings, so that a
 * stream of malformed messages cannot flood the log.
 */
export abstract class ChannelFeed {
  protected readonly logger: Logger;
  private subscriber: Redis | undefined;
  private subscription: LastingSubscription | undefined;
  private malformed = 0;

  protected constructor(
    protected readonly redis: GatewayRedis,
    /** The feed's name: its logger's context and its subscriber connection's purpose. */
    private readonly name: string,
  ) {
    this.logger = new Logger(name);
  }

  /**
   * Subscribes once (a second call does nothing), and again each time the connection is ready: a
   * subscription lost with a replaced connection would stop the feed without any error.
   */
  protected async listen(channel: string, onMessage: (message: string) => void): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.openSubscriber(this.name);
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => onMessage(message));
    const subscription = await subscribeAlways(subscriber, [channel], (err) =>
      this.logger.warn(
        `subscribing to ${channel} again: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
    // Stopped meanwhile: nothing is to be made again on a connection that was closed.
    if (this.subscriber === subscriber) this.subscription = subscription;
    else subscription.stop();
  }

  stop(): void {
    this.subscription?.stop();
    this.subscription = undefined;
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  get listening(): boolean {
    return this.subscriber !== undefined;
  }

  /** A message's JSON value, or undefined (said once per 1000 such messages) when it is not `expected`. */
  protected read(message: string, expected: 'array' | 'object'): unknown {
    let value: unknown;
    try {
      value = JSON.parse(message);
    } catch {
      value = undefined;
    }
    const ok = expected === 'array' ? Array.isArray(value) : typeof value === 'object' && value !== null;
    if (ok) return value;
    if (this.malformed++ % 1000 === 0)
      this.logger.warn(`ignored a ${this.name} message that is not a JSON ${expected}`);
    return undefined;
  }
}
