import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'node:net';
import { findBinary } from './binaries';
import { startServer, type ManagedProcess } from './process';

export interface RedisServerOptions {
  dir: string;
  port: number;
  password?: string;
  /** More `--name value` settings (replication, Sentinel's), after the platform's own. */
  extraArgs?: string[];
}

/** Redis as the platform needs it: AOF on (fsync every second), no eviction, no RDB snapshots. */
export function redisArgs(o: RedisServerOptions): string[] {
  const args = [
    '--port',
    String(o.port),
    '--bind',
    '127.0.0.1',
    '--dir',
    o.dir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
    '--daemonize',
    'no',
    '--logfile',
    join(o.dir, 'redis.log'),
  ];
  if (o.password) args.push('--requirepass', o.password, '--masterauth', o.password);
  args.push(...(o.extraArgs ?? []));
  return args;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.setTimeout(1000);
    socket.once('data', (d) => {
      socket.destroy();
      // +PONG, or -NOAUTH when a password is set: either way the server answers.
      resolve(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export async function startRedisServer(o: RedisServerOptions): Promise<ManagedProcess> {
  mkdirSync(o.dir, { recursive: true });
  return startServer('redis', findBinary('redis-server'), redisArgs(o), join(o.dir, 'redis.stdout.log'), {
    what: `redis on port ${o.port} (log: ${o.dir}/redis.log)`,
    exited: 'redis-server exited',
    ready: () => ping(o.port),
  });
}
