import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis, { type RedisOptions } from 'ioredis';
import { freePort, startRedisServer, type ManagedProcess } from '@lg/services';
import { stopInOrder, useStand, type Stand } from '../stand';

/**
 * A suite's own Redis server, in a temporary folder named from its label, and one connection to it: what
 * the suites that test a Redis-backed store on its own start from. `stop` closes what the suite handed to
 * `onStop` and every connection the stand opened, stops the server and removes the folder, even when one
 * of those steps fails, and then throws the first failure.
 */
export class RedisServerStand implements Stand {
  private readonly opened: Redis[] = [];
  private readonly closers: Array<() => void | Promise<unknown>> = [];
  /** A connection for the suite's reads and writes. */
  readonly redis: Redis;

  private constructor(
    readonly url: string,
    private readonly server: ManagedProcess,
    private readonly dir: string,
  ) {
    this.redis = this.connect();
  }

  static async start(label: string): Promise<RedisServerStand> {
    const dir = mkdtempSync(join(tmpdir(), label));
    try {
      const port = await freePort();
      const server = await startRedisServer({ dir: join(dir, 'redis'), port });
      return new RedisServerStand(`redis://127.0.0.1:${port}`, server, dir);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** Another connection to this server (as a worker or another process would hold one), closed by `stop`. */
  connect(options: RedisOptions = {}): Redis {
    const connection = new Redis(this.url, options);
    this.opened.push(connection);
    return connection;
  }

  /** Adds something the suite opened on this server, closed when the stand stops, before the server. */
  onStop(close: () => void | Promise<unknown>): void {
    this.closers.push(close);
  }

  stop(): Promise<void> {
    return stopInOrder([
      ...[...this.closers].reverse(),
      ...this.opened.map((connection) => () => connection.quit()),
      () => this.server.stop(),
      () => rmSync(this.dir, { recursive: true, force: true }),
    ]);
  }
}

/** A `RedisServerStand` started in the calling `describe` block's `beforeAll` and stopped in its `afterAll`. */
export const useRedisServer = (label: string): RedisServerStand =>
  useStand(() => RedisServerStand.start(label));
