import type Redis from 'ioredis';
import type { Names } from '@lg/contracts';

// Deletes the holder only if it is still us: a newer connection elsewhere keeps its claim.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;
const REFRESH = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;

/**
 * Which gateway instance and connection holds each truck's terminal (Redis, with a TTL refreshed while the
 * connection lives), so that a second connection replaces the first wherever it is, and a downlink
 * message finds the one instance that can send it.
 */
export class ConnectionDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly names: Names,
    private readonly ttlMs: number,
  ) {}

  /** Takes the truck for `conn`; returns who held it before (to be closed), if anyone. */
  async claim(device: string, conn: string): Promise<string | undefined> {
    const previous = await this.redis.set(this.names.jt808Connection(device), conn, 'PX', this.ttlMs, 'GET');
    return previous && previous !== conn ? previous : undefined;
  }

  async refresh(device: string, conn: string): Promise<void> {
    await this.redis.eval(REFRESH, 1, this.names.jt808Connection(device), conn, this.ttlMs);
  }

  async release(device: string, conn: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.names.jt808Connection(device), conn);
  }

  async holder(device: string): Promise<string | undefined> {
    return (await this.redis.get(this.names.jt808Connection(device))) ?? undefined;
  }
}

/** `instance/connection` → the instance. */
export function instanceOf(conn: string): string {
  const slash = conn.lastIndexOf('/');
  return slash < 0 ? conn : conn.slice(0, slash);
}
