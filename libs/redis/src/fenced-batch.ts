import type Redis from 'ioredis';

/**
 * Runs a list of writes atomically, and only while the caller still holds its lease: a process that lost
 * its lease (paused, partitioned) cannot overwrite the work of the one that took over. Keys are declared
 * to Redis; each operation names its key by position.
 */
const SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('LEASE_LOST') end
local ops = cjson.decode(ARGV[2])
for _, op in ipairs(ops) do
  local args = {}
  for j = 3, #op do args[#args + 1] = op[j] end
  redis.call(op[1], KEYS[op[2]], unpack(args))
end
return #ops
`;

const ALLOWED = new Set(['HSET', 'HDEL', 'ZADD', 'ZREM', 'SADD', 'SREM', 'XADD', 'PUBLISH']);

export class LeaseLostError extends Error {
  constructor(lease: string, options?: ErrorOptions) {
    super(`lease ${lease} is no longer ours`, options);
    this.name = 'LeaseLostError';
  }
}

export class FencedBatch {
  private readonly keys: string[];
  private readonly keyIndex = new Map<string, number>();
  private readonly ops: Array<Array<string | number>> = [];

  constructor(
    private readonly lease: string,
    private readonly owner: string,
  ) {
    this.keys = [lease];
  }

  private key(k: string): number {
    let i = this.keyIndex.get(k);
    if (i === undefined) {
      this.keys.push(k);
      i = this.keys.length; // Lua's KEYS is 1-based
      this.keyIndex.set(k, i);
    }
    return i;
  }

  add(command: string, key: string, ...args: string[]): this {
    if (!ALLOWED.has(command)) throw new Error(`command ${command} is not allowed in a fenced batch`);
    this.ops.push([command, this.key(key), ...args]);
    return this;
  }

  get size(): number {
    return this.ops.length;
  }

  async exec(redis: Redis): Promise<void> {
    if (this.ops.length === 0) return;
    try {
      await redis.eval(SCRIPT, this.keys.length, ...this.keys, this.owner, JSON.stringify(this.ops));
    } catch (err) {
      if (err instanceof Error && err.message.includes('LEASE_LOST'))
        throw new LeaseLostError(this.lease, { cause: err });
      throw err;
    }
  }
}
