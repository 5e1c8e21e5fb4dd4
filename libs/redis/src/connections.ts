import Redis, { type RedisOptions } from 'ioredis';

/**
 * Where the platform's Redis is: one address (`url`), or a set of Redis Sentinels that name the current
 * master of `masterName`. With sentinels every connection asks them for the master when it connects and
 * follows a failover by itself: it listens for the sentinels' `+switch-master`, drops its connection to the
 * old master and connects to the new one, and the commands in flight are sent again there.
 */
export type RedisEndpoint =
  | { url: string; password?: string }
  | {
      sentinels: Array<{ host: string; port: number }>;
      masterName: string;
      password?: string;
      sentinelPassword?: string;
    };

/** How a connection reacts to a Redis error reply: false nothing, 1 reconnect, 2 reconnect and send it again. */
export function reconnectOnError(err: Error): false | 1 | 2 {
  const m = err.message;
  // A master that became a replica (failover, or an old master coming back) refuses writes, and a server
  // still loading its data refuses everything: find the master again and send the command there.
  if (m.startsWith('READONLY') || m.startsWith('LOADING')) return 2;
  // Redis unblocks XREADGROUP/BLPOP with this when the instance turns into a replica. The caller's loop
  // reads again; the connection must first find the new master.
  if (m.startsWith('UNBLOCKED')) return 1;
  // NOREPLICAS (min-replicas-to-write) is left to the caller's back-off: the current master says it while
  // its replicas resynchronise after a failover, and an old master that says it is made a replica by the
  // sentinels shortly, after which READONLY sends the connection on.
  return false;
}

/** Options common to every connection to this endpoint (BullMQ's included), without per-purpose settings. */
export function endpointOptions(endpoint: RedisEndpoint): RedisOptions & { url?: string } {
  if ('url' in endpoint) {
    return {
      url: endpoint.url,
      ...(endpoint.password ? { password: endpoint.password } : {}),
      reconnectOnError,
    };
  }
  return {
    sentinels: endpoint.sentinels,
    name: endpoint.masterName,
    role: 'master',
    password: endpoint.password || undefined,
    sentinelPassword: endpoint.sentinelPassword || undefined,
    // Subscribes to the sentinels' +switch-master: a connection to a master that hangs (stopped, cut off)
    // would otherwise wait for TCP to notice before it looks for the new one.
    failoverDetector: true,
    sentinelRetryStrategy: (times) => Math.min(100 * times, 2000),
    reconnectOnError,
  };
}

/**
 * Opens the ioredis connections of one process. Every connection the process uses comes from here, so
 * that closing them all on shutdown is one call and none is left to keep the event loop alive.
 */
export class RedisConnections {
  private readonly opened = new Set<Redis>();
  private readonly endpoint: RedisEndpoint;
  private closing = false;

  constructor(
    endpoint: RedisEndpoint | string,
    private readonly name: string,
  ) {
    this.endpoint = typeof endpoint === 'string' ? { url: endpoint } : endpoint;
  }

  /** Whether connections go through Redis Sentinel. */
  get sentinel(): boolean {
    return !('url' in this.endpoint);
  }

  /** A connection for commands; `blocking` ones (BullMQ workers, XREAD BLOCK) must retry forever. */
  open(purpose: string, options: { blocking?: boolean } = {}): Redis {
    const { url, ...common } = endpointOptions(this.endpoint);
    const opts: RedisOptions = {
      ...common,
      connectionName: `${this.name}:${purpose}`,
      maxRetriesPerRequest: options.blocking ? null : 20,
      enableReadyCheck: true,
      retryStrategy: (times) => Math.min(50 * times, 2000),
    };
    const client = url ? new Redis(url, opts) : new Redis(opts);
    // ioredis reports connection errors on this event and reconnects by itself; without a listener they
    // would be thrown as unhandled. Readiness is reported through /ready instead.
    client.on('error', () => undefined);
    this.opened.add(client);
    this.keepOpen(client);
    return client;
  }

  /**
   * ioredis gives a connection up for good ("end") when the sentinels' failover notice interrupts a
   * reconnection that is still asking them for the master, which happens in most failovers. Only its owner
   * may end a connection: one that ended without a quit() or disconnect() is connected again.
   */
  private keepOpen(client: Redis): void {
    let closedByOwner = false;
    const quit = client.quit.bind(client);
    client.quit = (callback?: Parameters<typeof quit>[0]) => {
      closedByOwner = true;
      return quit(callback);
    };
    const disconnect = client.disconnect.bind(client);
    client.disconnect = (reconnect?: boolean) => {
      if (!reconnect) closedByOwner = true;
      disconnect(reconnect);
    };
    client.on('end', () => {
      if (closedByOwner || this.closing) {
        this.opened.delete(client);
        // After quit() ioredis leaves the failover detector's sentinel subscriptions open (disconnect()
        // closes them): they would keep reconnecting, and the process alive, after everything else closed.
        const connector = (
          client as unknown as { connector?: { failoverDetector?: { cleanup(): void } | null } }
        ).connector;
        connector?.failoverDetector?.cleanup();
        return;
      }
      setTimeout(() => {
        if (!closedByOwner && !this.closing && client.status === 'end')
          client.connect().catch(() => undefined);
      }, 100);
    });
  }

  /**
   * The connection BullMQ uses for a queue or worker; a worker's blocking connection is duplicated from it,
   * and comes from here too. Both follow a failover like every other connection, and close with them.
   */
  bullConnection(): Redis {
    const client = this.open('bullmq', { blocking: true });
    client.duplicate = () => this.open('bullmq-blocking', { blocking: true });
    return client;
  }

  async closeAll(): Promise<void> {
    this.closing = true;
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

/**
 * Throws, naming what is missing, unless Redis is durable: for the processes that acknowledge what Redis
 * took (ingest to the broker, the JT/T 808 gateway to its terminals) and so must not start taking it before.
 */
export async function requireDurability(client: Redis): Promise<void> {
  const d = await checkDurability(client);
  if (!d.ok) throw new Error(d.problems.join('; '));
}

/** What /ready tells about the Redis a process is connected to. */
export interface RedisTopology {
  /** `master`, or `slave` when the connection landed on a replica (it then reconnects). */
  role: string;
  /** The address this process is connected to, `host:port`. */
  master: string;
  /** Replicas the master sees online, `host:port` each, with how far behind they are in bytes. */
  replicas: Array<{ address: string; lagBytes: number }>;
}

/** The role, address and online replicas of the Redis `client` is connected to (INFO replication). */
export async function redisTopology(client: Redis): Promise<RedisTopology> {
  const info = parseInfo(await client.info('replication'));
  const offset = Number(info.master_repl_offset ?? 0);
  const replicas: RedisTopology['replicas'] = [];
  for (let i = 0; i < Number(info.connected_slaves ?? 0); i++) {
    const fields = Object.fromEntries(
      (info[`slave${i}`] ?? '').split(',').map((kv) => kv.split('=') as [string, string]),
    );
    if (fields.state !== 'online') continue;
    replicas.push({
      address: `${fields.ip}:${fields.port}`,
      lagBytes: Math.max(0, offset - Number(fields.offset)),
    });
  }
  const stream = client.stream as { remoteAddress?: string; remotePort?: number } | undefined;
  return {
    role: info.role ?? 'unknown',
    master: stream?.remoteAddress ? `${stream.remoteAddress}:${stream.remotePort}` : 'unknown',
    replicas,
  };
}

/** A one-line account of a topology, for /ready. */
export function describeTopology(t: RedisTopology): string {
  const replicas = t.replicas.map((r) => `${r.address} (${r.lagBytes} B behind)`).join(', ');
  return `${t.role} ${t.master}, ${t.replicas.length} replica(s) online${replicas ? `: ${replicas}` : ''}`;
}

function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

/**
 * What /ready reports for Redis: durable (AOF, no eviction), connected to a master, and with at least
 * `minReplicas` replicas online (below that the group commits of ingest wait instead of acknowledging).
 * The detail names the topology either way.
 */
export async function redisReadiness(
  client: Redis,
  minReplicas = 0,
): Promise<{ ok: boolean; detail: string }> {
  const durability = await checkDurability(client);
  const topology = await redisTopology(client);
  const problems = [...durability.problems];
  if (topology.role !== 'master') problems.push(`connected to a ${topology.role}, not the master`);
  if (topology.replicas.length < minReplicas)
    problems.push(`${topology.replicas.length} replica(s) online, REDIS_MIN_REPLICAS is ${minReplicas}`);
  const detail = describeTopology(topology);
  return problems.length === 0
    ? { ok: true, detail }
    : { ok: false, detail: `${problems.join('; ')} (${detail})` };
}
