import type Redis from 'ioredis';

/** A subscription made by `subscribeAlways`; `stop` stops making it again (the caller closes the connection). */
export interface LastingSubscription {
  stop(): void;
}

/**
 * Subscribes `subscriber` to `channels` now and again each time the connection is ready, for a process
 * that must hear those channels for as long as it runs. ioredis's own re-subscription after a reconnection
 * is not enough. A SUBSCRIBE made while a connection is still in its handshake is written at once (Redis
 * allows it while loading), before ioredis's ready check; the check's INFO is then refused (the connection
 * is in subscriber mode), ioredis connects again, and the new connection has no channel, since the old one
 * never was ready. The SUBSCRIBE had succeeded, so nobody is told. A JT/T 808 instance was seen in that
 * state (CLIENT LIST: `sub=0`, last command `INFO`), hearing no downlink until it restarted; a worker in it
 * would keep an old rule pack. Subscribing to a channel twice is harmless, so subscribing on every `ready`
 * costs one command per reconnection.
 *
 * Resolves once a SUBSCRIBE succeeded (the first, or one made again after a reconnection); rejects if the
 * first fails before any succeeded. Later failures go to `onError` (the next `ready` tries again).
 */
export function subscribeAlways(
  subscriber: Redis,
  channels: readonly string[],
  onError: (err: unknown) => void,
): Promise<LastingSubscription> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const subscription: LastingSubscription = { stop: () => subscriber.off('ready', again) };
    const subscribe = (first: boolean): void => {
      subscriber.subscribe(...channels).then(
        () => {
          if (settled) return;
          settled = true;
          resolve(subscription);
        },
        (err: unknown) => {
          if (!first || settled) return onError(err);
          settled = true;
          subscription.stop();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    };
    function again(): void {
      subscribe(false);
    }
    subscriber.on('ready', again);
    subscribe(true);
  });
}
