import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { findBinary } from './binaries';
import { freePort, ManagedProcess, startServer, waitFor } from './process';
import { startRedisServer } from './redis-server';

export interface SentinelSetOptions {
  /** Folder for every node's and sentinel's data, configuration and log. */
  dir: string;
  /** The master's name in the sentinels' configuration. Default `lg-redis`. */
  masterName?: string;
  /** Replicas beside the master. Default 2. */
  replicas?: number;
  /** Sentinels; a failover needs a majority of them. Default 3. */
  sentinels?: number;
  /** How long a master must not answer before the sentinels call it down, ms. Default 1000. */
  downAfterMs?: number;
  /** Sentinel's failover-timeout, ms (also the least time between two failovers of one master). Default 5000. */
  failoverTimeoutMs?: number;
  /** `min-replicas-to-write` on every node (a master refuses writes with fewer replicas). Default 0: off. */
  minReplicasToWrite?: number;
  password?: string;
}

/** One Redis server of the set: its port never changes, its role does (failover, restart). */
export interface SentinelNode {
  port: number;
  dir: string;
  proc: ManagedProcess;
}

/**
 * A Redis Sentinel setup on loopback, as the platform runs in production: a master, its replicas and a
 * quorum of sentinels, each in its own folder. The sentinels run Debian's `redis-server` in sentinel mode
 * (the same binary `redis-sentinel` links to). Roles move with failovers; ask `master()` who it is now.
 */
export class RedisSentinelSet {
  private constructor(
    readonly masterName: string,
    readonly nodes: SentinelNode[],
    readonly sentinels: SentinelNode[],
    private readonly options: SentinelSetOptions,
  ) {}

  static async start(o: SentinelSetOptions): Promise<RedisSentinelSet> {
    const masterName = o.masterName ?? 'lg-redis';
    const nodes: SentinelNode[] = [];
    const sentinels: SentinelNode[] = [];
    try {
      const master = await startNode(o, join(o.dir, 'node-0'), []);
      nodes.push(master);
      const replicas = await Promise.all(
        Array.from({ length: o.replicas ?? 2 }, (_, i) =>
          startNode(o, join(o.dir, `node-${i + 1}`), ['--replicaof', '127.0.0.1', String(master.port)]),
        ),
      );
      nodes.push(...replicas);
      const set = new RedisSentinelSet(masterName, nodes, sentinels, o);
      await set.waitForReplicas(replicas.length);
      const started = await Promise.all(
        Array.from({ length: o.sentinels ?? 3 }, (_, i) =>
          startSentinel(o, masterName, master.port, join(o.dir, `sentinel-${i}`)),
        ),
      );
      sentinels.push(...started);
      // Each sentinel must know the replicas (and the other sentinels) before it can fail the master over.
      await waitFor(
        'the sentinels to see every replica and each other',
        async () => {
          for (const s of sentinels) {
            const info = await nodeCommand(s.port, ['SENTINEL', 'MASTER', masterName]);
            const fields = pairs(info as string[]);
            if (Number(fields['num-slaves']) < replicas.length) return false;
            if (Number(fields['num-other-sentinels']) < sentinels.length - 1) return false;
          }
          return true;
        },
        30_000,
        200,
      );
      return set;
    } catch (err) {
      await Promise.all([...sentinels, ...nodes].map((n) => n.proc.stop()));
      throw err;
    }
  }

  /** `host:port` of each sentinel, as `REDIS_SENTINELS` takes them. */
  get sentinelList(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  /** The port of the master the sentinels name now. */
  async masterPort(): Promise<number> {
    let lastError: unknown;
    for (const s of this.sentinels) {
      if (!s.proc.alive) continue;
      try {
        const addr = (await nodeCommand(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName])) as
          [string, string] | null;
        if (addr) return Number(addr[1]);
      } catch (err) {
        lastError = err;
      }
    }
    throw new Error('no sentinel named a master', { cause: lastError });
  }

  /** The node that is master now. */
  async master(): Promise<SentinelNode> {
    const port = await this.masterPort();
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`the sentinels name port ${port}, which is not ours`);
    return node;
  }

  /** Waits until the sentinels name a master other than `oldPort`; resolves with the new one. */
  async waitForFailover(oldPort: number, timeoutMs = 30_000): Promise<SentinelNode> {
    await waitFor(
      `a failover away from port ${oldPort}`,
      async () => (await this.masterPort()) !== oldPort,
      timeoutMs,
      50,
    );
    return this.master();
  }

  /** Waits until the master has `count` replicas online (synchronised and streaming). */
  async waitForReplicas(count: number, timeoutMs = 30_000): Promise<void> {
    await waitFor(
      `${count} replica(s) online`,
      async () => {
        const port = this.sentinels.length > 0 ? await this.masterPort() : this.nodes[0].port;
        const info = String(await nodeCommand(port, ['INFO', 'replication'], this.options.password));
        const online = info.split(/\r?\n/).filter((l) => /^slave\d+:.*state=online/.test(l)).length;
        return online >= count;
      },
      timeoutMs,
      100,
    );
  }

  /** Starts a node that was killed or stopped again, on its port and with its data (it rejoins as a replica). */
  async restartNode(node: SentinelNode): Promise<void> {
    await node.proc.stop();
    // Sentinel rewrote nothing in the node's arguments: it comes back as the master it was, and the sentinels
    // turn it into a replica of the current master, as they would a host that rebooted.
    const started = await startRedisServer({
      dir: node.dir,
      port: node.port,
      password: this.options.password,
      extraArgs: nodeArgs(this.options),
    });
    node.proc = started;
  }

  async stop(): Promise<void> {
    await Promise.all(this.sentinels.map((s) => s.proc.stop()));
    await Promise.all(this.nodes.map((n) => n.proc.stop()));
  }
}

/** Settings every node of the set runs with, beyond the platform's (AOF, noeviction). */
function nodeArgs(o: SentinelSetOptions): string[] {
  return [
    // A replica (re)synchronises from the master's memory at once, without an RDB file on disk first.
    '--repl-diskless-sync',
    'yes',
    '--repl-diskless-sync-delay',
    '0',
    '--min-replicas-to-write',
    String(o.minReplicasToWrite ?? 0),
    '--min-replicas-max-lag',
    '10',
  ];
}

async function startNode(o: SentinelSetOptions, dir: string, replication: string[]): Promise<SentinelNode> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      const proc = await startRedisServer({
        dir,
        port,
        password: o.password,
        extraArgs: [...nodeArgs(o), ...replication],
      });
      return { port, dir, proc };
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function startSentinel(
  o: SentinelSetOptions,
  masterName: string,
  masterPort: number,
  dir: string,
): Promise<SentinelNode> {
  mkdirSync(dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // Sentinel keeps what it learns (replicas, other sentinels, the current master) in its configuration
    // file, so it needs one of its own that it may rewrite.
    const config = join(dir, 'sentinel.conf');
    const lines = [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      'daemonize no',
      `logfile ${join(dir, 'sentinel.log')}`,
      `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} ${Math.floor((o.sentinels ?? 3) / 2) + 1}`,
      `sentinel down-after-milliseconds ${masterName} ${o.downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${masterName} ${o.failoverTimeoutMs ?? 5000}`,
      `sentinel parallel-syncs ${masterName} 1`,
    ];
    if (o.password) lines.push(`sentinel auth-pass ${masterName} ${o.password}`);
    writeFileSync(config, lines.join('\n') + '\n');
    try {
      const proc = await startServer(
        'redis-sentinel',
        findBinary('redis-server'),
        [config, '--sentinel'],
        join(dir, 'sentinel.stdout.log'),
        {
          what: `sentinel on port ${port} (log: ${dir}/sentinel.log)`,
          exited: 'the sentinel exited',
          ready: async () => (await nodeCommand(port, ['PING'])) === 'PONG',
        },
      );
      return { port, dir, proc };
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

/** One command on a short-lived connection of its own, without retries (the callers poll). */
async function nodeCommand(port: number, args: string[], password?: string): Promise<unknown> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    password,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
    commandTimeout: 2000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(args[0], ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

function pairs(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}
