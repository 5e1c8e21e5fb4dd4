import type Redis from 'ioredis';

/**
 * How far the routing of readings to the rules is behind, ms: the age of the oldest reading-log entry the
 * router has not yet taken (`firstUndelivered`, a stream ID whose first part is when Redis appended it), 0
 * when it has taken everything. Pure: the IDs and the wall clock come from the caller.
 */
export function routingLagMs(firstUndelivered: string | undefined, nowMs: number): number {
  if (firstUndelivered === undefined) return 0;
  const appended = Number(firstUndelivered.split('-')[0]);
  return Number.isFinite(appended) ? Math.max(0, nowMs - appended) : 0;
}

/**
 * Reads the routing lag of the reading log: what the route group was last handed, then the first entry
 * after it. Two small commands, once per timer round (never per reading). A log or group that does not
 * exist yet is not behind.
 */
export async function readRoutingLag(
  redis: Redis,
  stream: string,
  group: string,
  nowMs = Date.now(),
): Promise<number> {
  let groups: Array<Array<string | number>>;
  try {
    groups = (await redis.xinfo('GROUPS', stream)) as Array<Array<string | number>>;
  } catch {
    return 0;
  }
  for (const g of groups) {
    const info = new Map<string, string | number>();
    for (let i = 0; i < g.length; i += 2) info.set(String(g[i]), g[i + 1]);
    if (String(info.get('name')) !== group) continue;
    const last = String(info.get('last-delivered-id'));
    const next = await redis.xrange(stream, `(${last}`, '+', 'COUNT', 1);
    return routingLagMs(next[0]?.[0], nowMs);
  }
  return 0;
}
