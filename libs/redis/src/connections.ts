import Redis, { type RedisOptions } from 'ioredis';

/**
 * Opens the ioredis connections of one process. Every connection the process uses comes from here, so
 * that closing them all on shutdown is one call and none is left to keep the event loop alive.
 */
export class RedisConnections {
  private readonly opened = new Set<Redis>();

  constructor(
    private readonly url: string,
    private readonly name: string,
  ) {}

  /** A connection for commands; `blocking` ones (BullMQ workers, XREAD BLOCK) must retry forever. */
  open(purpose: string, options: { blocking?: boolean } = {}): Redis {
    const opts: RedisOptions = {
      connectionName: `${this.name}:${purpose}`,
      maxRetriesPerRequest: options.blocking ? null : 20,
      enableReadyCheck: true,
      retryStrategy: (times) => Math.min(50 * times, 2000),
      reconnectOnError: (err) => err.message.startsWith('READONLY') || err.message.startsWith('LOADING'),
    };
    const client = new Redis(this.url, opts);
    // ioredis reports connection errors on this event and reconnects by itself; without a listener they
    // would be thrown as unhandled. Readiness is reported through /ready instead.
    client.on('error', () => undefined);
    this.opened.add(client);
    client.once('end', () => this.opened.delete(client));
    return client;
  }

  /** Connection options for BullMQ, which opens its own connections. */
  bullConnection(): RedisOptions & { url: string } {
    return { url: this.url, maxRetriesPerRequest: null, connectionName: `${this.name}:bullmq` };
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      [...this.opened].map(async (c) => {
        try {
          await c.quit();
        } catch {
          c.disconnect();
        }
      }),
    );
    this.opened.clear();
  }
}

export interface RedisDurability {
  ok: boolean;
  problems: string[];
}

/**
 * Redis must keep what it acknowledged: AOF on and no eviction. Debian's default has neither, and a
 * reading acknowledged to the broker lives only in Redis until it is stored and evaluated.
 */
export async function checkDurability(client: Redis): Promise<RedisDurability> {
  const problems: string[] = [];
  const aof = (await client.config('GET', 'appendonly')) as string[];
  if (aof[1] !== 'yes')
    problems.push('appendonly is off: set "appendonly yes" so acknowledged readings survive a restart');
  const policy = (await client.config('GET', 'maxmemory-policy')) as string[];
  if (policy[1] !== 'noeviction') {
    problems.push(`maxmemory-policy is ${policy[1]}: set "noeviction" so queued readings are never evicted`);
  }
  return { ok: problems.length === 0, problems };
}
