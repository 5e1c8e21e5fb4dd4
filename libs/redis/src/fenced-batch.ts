import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * Runs a list of writes atomically, and only while the caller still holds its lease: a process that lost
 * its lease (paused, partitioned) cannot overwrite the work of the one that took over. Keys are declared
 * to Redis; each operation names its key by position. Operations travel as flat arguments (command, key
 * position, argument count, arguments), so neither side encodes or decodes JSON for them. A batch may also
 * state what it read that others can change meanwhile (a hash field present or absent, such as an alert's
 * acknowledgement written by the gateway): if any of that changed, nothing is written and the caller reads
 * again.
 */
const SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return redis.error_reply('LEASE_LOST') end
local i = 3
for c = 1, tonumber(ARGV[2]) do
  if tostring(redis.call('HEXISTS', KEYS[tonumber(ARGV[i])], ARGV[i + 1])) ~= ARGV[i + 2] then
    return redis.error_reply('STALE ' .. KEYS[tonumber(ARGV[i])] .. ' ' .. ARGV[i + 1])
  end
  i = i + 3
end
local n = 0
while i <= #ARGV do
  local command, key, count = ARGV[i], KEYS[tonumber(ARGV[i + 1])], tonumber(ARGV[i + 2])
  redis.call(command, key, unpack(ARGV, i + 3, i + 2 + count))
  i = i + 3 + count
  n = n + 1
end
return n
`;

/**
 * Commits run the script by its SHA1 (EVALSHA), so Redis is not sent and does not hash the script body on
 * every commit; Redis keeps scripts it has run in its script cache. After a restart or a SCRIPT FLUSH it
 * answers NOSCRIPT, and the commit is sent once more with the body (EVAL), which caches it again.
 */
const SCRIPT_SHA = createHash('sha1').update(SCRIPT).digest('hex');

const ALLOWED = new Set(['HSET', 'HDEL', 'INCR', 'ZADD', 'ZREM', 'SADD', 'SREM', 'XADD', 'PUBLISH']);

export class LeaseLostError extends Error {
  constructor(lease: string, options?: ErrorOptions) {
    super(`lease ${lease} is no longer ours`, options);
    this.name = 'LeaseLostError';
  }
}

/** What the batch read changed before it could commit: nothing was written; read again and retry. */
export class StaleWriteError extends Error {
  constructor(what: string, options?: ErrorOptions) {
    super(`${what} changed while the batch was prepared`, options);
    this.name = 'StaleWriteError';
  }
}

export class FencedBatch {
  private readonly keys: string[];
  private readonly keyIndex = new Map<string, number>();
  private readonly args: string[] = [];
  private readonly checks: string[] = [];
  private readonly checked = new Set<string>();
  private count = 0;

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
    this.args.push(command, String(this.key(key)), String(args.length), ...args);
    this.count++;
    return this;
  }

  /**
   * Commits only if `field` of hash `key` is still present (or still absent) as when it was read. The first
   * statement about a field is what was read; a later one in the same batch follows the batch's own writes
   * (an alert's acknowledgement cleared by a raise, then another transition) and is not checked.
   */
  expectField(key: string, field: string, present: boolean): this {
    const index = String(this.key(key));
    const id = `${index} ${field}`;
    if (this.checked.has(id)) return this;
    this.checked.add(id);
    this.checks.push(index, field, present ? '1' : '0');
    return this;
  }

  get size(): number {
    return this.count;
  }

  async exec(redis: Redis): Promise<void> {
    if (this.count === 0) return;
    try {
      await this.run(redis);
    } catch (err) {
      if (err instanceof Error && err.message.includes('LEASE_LOST'))
        throw new LeaseLostError(this.lease, { cause: err });
      const stale = err instanceof Error ? /STALE (.*)$/.exec(err.message) : null;
      if (stale) throw new StaleWriteError(stale[1], { cause: err });
      throw err;
    }
  }

  /** Runs the script by its SHA1, and with its body only when Redis no longer has it cached. */
  private async run(redis: Redis): Promise<void> {
    const args = [...this.keys, this.owner, String(this.checks.length / 3), ...this.checks, ...this.args];
    try {
      await redis.evalsha(SCRIPT_SHA, this.keys.length, ...args);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      await redis.eval(SCRIPT, this.keys.length, ...args);
    }
  }
}
