import type Redis from 'ioredis';
import { RedisConnections, subscribeAlways, type LastingSubscription } from '@lg/redis';
import { waitFor } from '@lg/services';
import { useRedisServer } from './redis-server';

/**
 * A long-lived subscriber (the JT/T 808 instances, the gateway's live feeds, the worker's rule and hazard
 * channels) keeps its channels when its connection is replaced, on a real Redis: the connection opened the
 * way the apps open it, subscribed with `subscribeAlways`, then killed from another connection.
 */
describe('subscribeAlways: a subscriber keeps its channels across a replaced connection', () => {
  const server = useRedisServer('lg-resub-');
  let admin: Redis;
  let connections: RedisConnections;
  const subscriptions: LastingSubscription[] = [];

  beforeAll(() => {
    admin = server.redis;
    connections = new RedisConnections(server.url, 'resub-test');
    server.onStop(async () => {
      for (const s of subscriptions) s.stop();
      await connections.closeAll();
    });
  });

  const subscribers = async (channel: string): Promise<number> => {
    const [, count] = (await admin.pubsub('NUMSUB', channel)) as [string, number];
    return Number(count);
  };

  /** The CLIENT LIST line of this test's connection opened for `purpose`, and its client ID. */
  const client = async (purpose: string): Promise<{ line: string; id: number }> => {
    const list = (await admin.client('LIST')) as string;
    const line = list.split('\n').find((l) => l.includes(` name=resub-test:${purpose} `)) ?? '';
    return { line, id: Number(/^id=(\d+)/.exec(line)?.[1]) };
  };

  /** A subscriber connection as the apps open one, and the messages it hears on any channel. */
  const openSubscriber = (purpose: string) => {
    const subscriber = connections.open(purpose, { blocking: true });
    const heard: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => heard.push(message));
    return { subscriber, heard };
  };

  /** `promise`, or an error naming `what` once `ms` passed (a SUBSCRIBE that never settles). */
  const within = <T>(ms: number, what: string, promise: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  };

  it('subscribes again after its connection is killed, and hears what is published afterwards', async () => {
    const { subscriber, heard } = openSubscriber('feed');
    subscriptions.push(await subscribeAlways(subscriber, ['resub:a', 'resub:b'], () => undefined));
    expect(await subscribers('resub:a')).toBe(1);
    const before = await client('feed');
    expect(before.line).toContain(' sub=2 ');

    // Every pub/sub connection is closed by the server; the subscriber connects again by itself.
    expect(Number(await admin.client('KILL', 'TYPE', 'pubsub'))).toBeGreaterThanOrEqual(1);
    await waitFor('both channels subscribed again', async () => {
      return (await subscribers('resub:a')) === 1 && (await subscribers('resub:b')) === 1;
    });
    // A new connection (a newer client ID than before the kill), subscribed to both channels.
    const after = await client('feed');
    expect(after.id).toBeGreaterThan(before.id);
    expect(after.line).toContain(' sub=2 ');

    expect(await admin.publish('resub:b', 'after the kill')).toBe(1);
    await waitFor('the message published after the kill', () => heard.includes('after the kill'), 5000);
  });

  it('keeps its channel when it subscribed during the connection handshake (seen: sub=0, last command INFO)', async () => {
    // ioredis writes a SUBSCRIBE at once while the connection is still in its handshake (SUBSCRIBE is
    // allowed while Redis loads), before its ready check. The ready check's INFO is then refused (a
    // connection in subscriber mode), ioredis connects again, and the new connection has no channel: its
    // previous one never was ready, so there is nothing to restore. The SUBSCRIBE itself had succeeded, so
    // nobody is told. That is the state seen on a JT/T 808 instance: sub=0, last command INFO.
    const { subscriber, heard } = openSubscriber('handshake');
    let closes = 0;
    subscriber.on('close', () => closes++);
    await new Promise((resolve) => subscriber.once('connect', resolve));
    const subscription = await within(
      5000,
      'the subscription',
      subscribeAlways(subscriber, ['resub:handshake'], () => undefined),
    );
    subscriptions.push(subscription);

    // The handshake's connection is replaced (its ready check refused), and the new one has the channel.
    await waitFor('the handshake connection replaced', () => closes >= 1, 5000);
    await waitFor(
      'the channel with its subscriber on the new connection',
      async () => (await client('handshake')).line.includes(' sub=1 '),
      5000,
    );
    expect(await subscribers('resub:handshake')).toBe(1);
    expect(await admin.publish('resub:handshake', 'to the new connection')).toBe(1);
    await waitFor('the message on the new connection', () => heard.includes('to the new connection'), 5000);
  });

  it('stops subscribing again once stopped', async () => {
    const { subscriber } = openSubscriber('stopped');
    const listeners = subscriber.listenerCount('ready');
    const subscription = await subscribeAlways(subscriber, ['resub:stopped'], () => undefined);
    expect(subscriber.listenerCount('ready')).toBe(listeners + 1);
    subscription.stop();
    expect(subscriber.listenerCount('ready')).toBe(listeners);
  });
});
