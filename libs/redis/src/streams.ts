import type Redis from 'ioredis';

export type StreamEntry = [id: string, fields: string[]];
type XReadReply = Array<[stream: string, entries: StreamEntry[]]> | null;

/** Creates a consumer group (and the stream) if it is not there yet. */
export async function ensureGroup(redis: Redis, stream: string, group: string): Promise<void> {
  try {
    await redis.xgroup('CREATE', stream, group, '0', 'MKSTREAM');
  } catch (err) {
    if (!(err instanceof Error && err.message.includes('BUSYGROUP'))) throw err;
  }
}

/** XREADGROUP over several streams; `ids` is '>' for new entries or '0' for our own pending ones. */
export async function readGroup(
  redis: Redis,
  group: string,
  consumer: string,
  streams: string[],
  ids: string[],
  count: number,
  blockMs: number | null,
): Promise<Map<string, StreamEntry[]>> {
  const args: Array<string | number> = ['GROUP', group, consumer, 'COUNT', count];
  if (blockMs !== null) args.push('BLOCK', blockMs);
  args.push('STREAMS', ...streams, ...ids);
  const reply = (await redis.call('XREADGROUP', ...args)) as XReadReply;
  const out = new Map<string, StreamEntry[]>();
  for (const [stream, entries] of reply ?? [])
    out.set(
      stream,
      entries.filter((e) => e[1] !== null),
    );
  return out;
}

/** Moves every pending entry of the group idle for at least `minIdleMs` to `consumer`. */
export async function claimIdle(
  redis: Redis,
  stream: string,
  group: string,
  consumer: string,
  minIdleMs: number,
): Promise<number> {
  let cursor = '0-0';
  let claimed = 0;
  do {
    const reply = (await redis.xautoclaim(
      stream,
      group,
      consumer,
      minIdleMs,
      cursor,
      'COUNT',
      1000,
      'JUSTID',
    )) as [string, string[]];
    cursor = reply[0];
    claimed += reply[1].length;
  } while (cursor !== '0-0');
  return claimed;
}

/**
 * Trims a stream below the oldest entry some consumer group still needs: its oldest pending entry, or
 * everything after what it was last handed. Entries every group is done with go.
 */
export async function trimConsumed(redis: Redis, stream: string): Promise<void> {
  const groups = (await redis.xinfo('GROUPS', stream)) as Array<Array<string | number>>;
  if (groups.length === 0) return;
  let safe: string | null = null;
  for (const g of groups) {
    const info = new Map<string, string | number>();
    for (let i = 0; i < g.length; i += 2) info.set(String(g[i]), g[i + 1]);
    const name = String(info.get('name'));
    const pending = Number(info.get('pending'));
    let bound: string;
    if (pending > 0) {
      const summary = (await redis.xpending(stream, name)) as [number, string, string, unknown];
      bound = summary[1];
    } else {
      bound = nextId(String(info.get('last-delivered-id')));
    }
    if (safe === null || compareIds(bound, safe) < 0) safe = bound;
  }
  if (safe) await redis.xtrim(stream, 'MINID', safe);
}

function nextId(id: string): string {
  const [ms, seq] = id.split('-');
  return `${ms}-${Number(seq) + 1}`;
}

const STREAM_ID = /^\d+-\d+$/;

/** Whether a string is a stream entry ID (`<ms>-<seq>`), e.g. a cursor read back from Redis. */
export function isStreamId(id: string): boolean {
  return STREAM_ID.test(id);
}

/**
 * Orders two stream entry IDs (`<ms>-<seq>`): -1, 0 or 1. Both parts stay far below 2^53 (milliseconds
 * since 1970, a sequence within one millisecond), so plain numbers compare them exactly.
 */
export function compareIds(a: string, b: string): number {
  const [am, as = 0] = a.split('-').map(Number);
  const [bm, bs = 0] = b.split('-').map(Number);
  const d = am !== bm ? am - bm : as - bs;
  return d === 0 ? 0 : d < 0 ? -1 : 1;
}
