import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Redis from 'ioredis';
import type { LogRecord } from '@lg/contracts';
import { ReadingLog } from '@lg/ingest';
import { FencedBatch, LeaseLostError, Leases, RedisConnections, redisTopology } from '@lg/redis';
import { RedisSentinelSet, waitFor } from '@lg/services';

/**
 * The connections of every app against a real Sentinel setup (a master, two replicas, three sentinels from
 * Debian's redis-server): they follow a failover by themselves, a blocked XREADGROUP reads again on the new
 * master, a group commit of the reading log waits for a replica, and a lease taken under the new master
 * fences off the worker that held it before.
 */
describe('Redis Sentinel', () => {
  let dir: string;
  let set: RedisSentinelSet;
  let connections: RedisConnections;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-sentinel-'));
    set = await RedisSentinelSet.start({ dir, downAfterMs: 1000, failoverTimeoutMs: 3000 });
    connections = new RedisConnections(
      {
        sentinels: set.sentinelList
          .split(',')
          .map((s) => ({ host: '127.0.0.1', port: Number(s.split(':')[1]) })),
        masterName: set.masterName,
      },
      'sentinel-test',
    );
  }, 60_000);

  afterAll(async () => {
    await connections?.closeAll();
    await set?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('acknowledges a group commit only once a replica holds it, and every connection follows a kill -9 of the master', async () => {
    const commands = connections.open('commands');
    const reader = connections.open('reader', { blocking: true });
    const first = await set.master();
    const topology = await redisTopology(commands);
    expect(topology).toMatchObject({ role: 'master', master: `127.0.0.1:${first.port}` });
    expect(topology.replicas).toHaveLength(2);

    const log = new ReadingLog(
      connections.open('reading-log'),
      'st:readings',
      { partitions: 2, line: () => 'm v=1' },
      undefined,
      500,
      { count: 1, timeoutMs: 2000 },
    );
    const record = (i: number): LogRecord => ({
      t: 'r',
      kind: 'gas',
      device: `G${i}`,
      owner: 'P01',
      ts: 1_000 + i,
      rx: 1_000 + i,
      q: 'ok',
      f: { lel: i },
    });
    await log.append([record(1), record(2)]);
    // WAIT returned: a replica held the entry before the append resolved.
    const held = await Promise.all(
      set.nodes
        .filter((n) => n !== first)
        .map(async (replica) => {
          const r = connectionTo(replica.port);
          try {
            return await r.xlen('st:readings');
          } finally {
            r.disconnect();
          }
        }),
    );
    expect(Math.max(...held)).toBe(1);

    await commands.xgroup('CREATE', 'st:readings', 'g', '0');
    await reader.xreadgroup('GROUP', 'g', 'c', 'COUNT', 10, 'STREAMS', 'st:readings', '>');
    // A blocked read sits on the master when it dies; it must read again on the new one.
    const blocked = reader.xreadgroup(
      'GROUP',
      'g',
      'c',
      'BLOCK',
      0,
      'STREAMS',
      'st:readings',
      '>',
    ) as Promise<Array<[string, Array<[string, string[]]>]>>;
    const started = Date.now();
    await first.proc.kill();
    const next = await set.waitForFailover(first.port);
    const failoverMs = Date.now() - started;
    await log.append([record(3)]);
    const caughtUp = Date.now() - started;
    expect(await commands.xlen('st:readings')).toBe(2);
    expect((await redisTopology(commands)).master).toBe(`127.0.0.1:${next.port}`);
    const read = await blocked.catch(async () =>
      reader.xreadgroup('GROUP', 'g', 'c', 'COUNT', 10, 'STREAMS', 'st:readings', '0'),
    );
    expect(JSON.stringify(read)).toContain('st:readings');
    console.log(
      `failover after kill -9: sentinels named the new master in ${failoverMs} ms; appends went on after ${caughtUp} ms`,
    );
  }, 60_000);

  it('fences a worker that held its lease before a failover once another took it on the new master', async () => {
    const a = connections.open('worker-a');
    const b = connections.open('worker-b');
    const leasesA = new Leases(a, 'worker-a', 1000);
    const leasesB = new Leases(b, 'worker-b', 1000);
    expect(await leasesA.acquire('st:lease')).toBe(true);
    const old = await set.master();
    old.proc.pause();
    try {
      await set.waitForFailover(old.port);
      // The lease came over with the data and runs out on the new master; then B takes it there.
      await waitFor(
        'worker-b to take the lease on the new master',
        () => leasesB.acquire('st:lease'),
        15_000,
        100,
      );
      await expect(
        new FencedBatch('st:lease', 'worker-a').add('HSET', 'st:state', 'x', 'a').exec(a),
      ).rejects.toThrow(LeaseLostError);
      await new FencedBatch('st:lease', 'worker-b').add('HSET', 'st:state', 'x', 'b').exec(b);
    } finally {
      old.proc.resume();
    }
    // The old master comes back as a replica; neither its data nor a write through it undoes B's.
    await waitFor(
      'the old master to become a replica',
      async () => {
        const r = connectionTo(old.port);
        try {
          return (await r.info('replication')).includes('role:slave');
        } finally {
          r.disconnect();
        }
      },
      30_000,
      200,
    );
    await expect(
      new FencedBatch('st:lease', 'worker-a').add('HSET', 'st:state', 'x', 'a').exec(a),
    ).rejects.toThrow(LeaseLostError);
    expect(await b.hget('st:state', 'x')).toBe('b');
  }, 60_000);

  it('does not acknowledge a group commit that fewer replicas than required confirmed, until they do', async () => {
    // The node killed in the first test comes back and rejoins as a replica: two replicas again.
    const master = await set.master();
    for (const node of set.nodes) if (!node.proc.alive) await set.restartNode(node);
    await set.waitForReplicas(2);
    const replica = set.nodes.find((n) => n !== master)!;
    const retries: unknown[] = [];
    const log = new ReadingLog(
      connections.open('reading-log-2'),
      'st:readings-2',
      { partitions: 2, line: () => 'm v=1' },
      (err) => retries.push(err),
      500,
      { count: 2, timeoutMs: 100 },
    );
    replica.proc.pause();
    let acknowledged = false;
    let appended: Promise<void>;
    try {
      appended = log.append([
        { t: 's', kind: 'gas', owner: 'P01', device: 'G1', online: true, ts: 1, rx: 1 },
      ]);
      void appended.then(() => (acknowledged = true));
      await waitFor('a commit short of its replicas', () => retries.length >= 2, 10_000);
      expect(String(retries[0])).toContain('1 of 2 replica(s) confirmed the append within 100 ms');
      expect(acknowledged).toBe(false);
    } finally {
      replica.proc.resume();
    }
    await appended;
    expect(acknowledged).toBe(true);
  }, 60_000);

  function connectionTo(port: number): Redis {
    const c = new RedisConnections(`redis://127.0.0.1:${port}`, 'probe').open('probe');
    return c;
  }
});
