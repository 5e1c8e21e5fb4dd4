import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type Redis from 'ioredis';

/** One key of a snapshot file (one JSON line): its name, its `DUMP` (base64) and its TTL (ms, 0: none). */
interface SnapshotLine {
  k: string;
  v: string;
  ttl: number;
}

/** What a snapshot or a restore went through. */
export interface SnapshotCount {
  keys: number;
  bytes: number;
}

const SCAN_COUNT = 500;

/**
 * A logical snapshot of the platform's keys in Redis (every key under `<prefix>:` or `{<prefix>}:`): `DUMP` of each key with
 * its TTL, written as JSON lines, and `RESTORE` of them. Unlike copying `dump.rdb` it works against a remote
 * server or a Sentinel master and restores into a running one, and only the platform's keys are touched.
 * Keys are read one by one, so a snapshot of a busy server is not one instant: back up at a quiet time.
 */
export class RedisSnapshot {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /**
   * The platform's keys, by SCAN (never KEYS: the server stays responsive): `<prefix>:…` and the hash-tagged
   * `{<prefix>}:…` (what one script writes together: alerts, partitions, the live stream).
   */
  async keys(): Promise<string[]> {
    const out: string[] = [];
    for (const pattern of this.patterns()) {
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
        cursor = next;
        out.push(...batch);
      } while (cursor !== '0');
    }
    return [...new Set(out)].sort();
  }

  /** Whether a key is one of the platform's. */
  owns(key: string): boolean {
    return key.startsWith(`${this.prefix}:`) || key.startsWith(`{${this.prefix}}:`);
  }

  private patterns(): string[] {
    // SCAN's MATCH is a glob: `{` and `}` are literal there, `[`, `*`, `?` would not be, and a prefix
    // holds none of them (REDIS_PREFIX is letters, digits, _ and -).
    return [`${this.prefix}:*`, `{${this.prefix}}:*`];
  }

  /** Writes every key to `file`; `progress` after each hundred keys. */
  async save(file: string, progress?: (count: SnapshotCount) => void): Promise<SnapshotCount> {
    const keys = await this.keys();
    const out = createWriteStream(file, { flags: 'wx' });
    const count: SnapshotCount = { keys: 0, bytes: 0 };
    try {
      for (const k of keys) {
        const [dump, ttl] = await Promise.all([this.redis.dumpBuffer(k), this.redis.pttl(k)]);
        if (dump === null) continue; // expired or deleted since the scan
        const line: SnapshotLine = { k, v: dump.toString('base64'), ttl: ttl > 0 ? ttl : 0 };
        if (!out.write(JSON.stringify(line) + '\n')) await once(out, 'drain');
        count.keys++;
        count.bytes += dump.length;
        if (count.keys % 100 === 0) progress?.(count);
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    return count;
  }

  /**
   * Restores every key of `file` (replacing a key of the same name). With `replaceAll`, the platform's keys
   * that are not in the snapshot are deleted first, so the result is the snapshot and nothing else.
   *
   * @throws Error naming the line of the file that is not a snapshot line.
   */
  async restore(
    file: string,
    replaceAll: boolean,
    progress?: (count: SnapshotCount) => void,
  ): Promise<SnapshotCount> {
    if (replaceAll) {
      const existing = await this.keys();
      for (let i = 0; i < existing.length; i += SCAN_COUNT)
        await this.redis.del(...existing.slice(i, i + SCAN_COUNT));
    }
    const count: SnapshotCount = { keys: 0, bytes: 0 };
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let n = 0;
    for await (const text of lines) {
      n++;
      if (text === '') continue;
      const line = parseLine(text);
      if (!line || !this.owns(line.k)) {
        throw new Error(`${file} line ${n} is not a key of prefix "${this.prefix}"`);
      }
      const dump = Buffer.from(line.v, 'base64');
      await this.redis.restore(line.k, line.ttl, dump, 'REPLACE');
      count.keys++;
      count.bytes += dump.length;
      if (count.keys % 100 === 0) progress?.(count);
    }
    return count;
  }
}

function parseLine(text: string): SnapshotLine | undefined {
  try {
    const v = JSON.parse(text) as Partial<SnapshotLine>;
    return typeof v.k === 'string' && typeof v.v === 'string' && typeof v.ttl === 'number'
      ? { k: v.k, v: v.v, ttl: v.ttl }
      : undefined;
  } catch {
    return undefined;
  }
}
