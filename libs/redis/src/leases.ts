import type Redis from 'ioredis';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * A lease is a key holding its owner's token with a TTL. Holding it makes a process the only one doing a
 * piece of work (evaluating a rule partition, routing the reading log); writes made under it are fenced
 * by checking the token inside the same script (see `FencedBatch`).
 */
export class Leases {
  constructor(
    private readonly redis: Redis,
    readonly owner: string,
    readonly ttlMs: number,
  ) {}

  async acquire(key: string): Promise<boolean> {
    const result = await this.redis.set(key, this.owner, 'PX', this.ttlMs, 'NX');
    if (result === 'OK') return true;
    // Our own lease from a previous life of this process (same owner token): take it back.
    return (await this.renew(key)) === true;
  }

  async renew(key: string): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, key, this.owner, String(this.ttlMs))) === 1;
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, key, this.owner);
  }
}
