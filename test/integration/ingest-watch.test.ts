import {
  causesKey,
  causesVersionKey,
  INGEST_CAUSE,
  ingestHeartbeatsKey,
  names,
  partitionOf,
  type CauseState,
  type IngestBeat,
} from '@lg/contracts';
import { CauseCache, IngestWatch } from '@lg/evaluation';
import { IngestHeartbeat } from '@lg/ingest';
import { Leases } from '@lg/redis';
import { Registry } from '@lg/registry';
import { waitFor } from '@lg/services';
import { servicesStand } from './services-stand';

/**
 * The platform cause "ingest down" on a real Redis: ingest's heartbeat, and the one worker that decides the
 * cause from the beats (the owner of its partition, fenced by the lease); the others only read it.
 */
describe('inhibition: the ingest heartbeat and the platform cause in Redis', () => {
  const registry = Registry.load('config/registry/minimal.json');
  const prefix = 'ingw';
  const n = names(prefix);
  const partitions = 4;
  const settings = { aliveMs: 3000, downAfterMs: 5000 };
  const clock = { now: () => Date.now() };
  const stand = servicesStand('lg-ingest-watch-', registry);

  const cause = async (): Promise<CauseState | undefined> => {
    const json = await stand.redis.hget(causesKey(prefix), INGEST_CAUSE);
    return json ? (JSON.parse(json) as CauseState) : undefined;
  };

  it('records nothing before ingest is seen, up once it beats, down once its beats went stale', async () => {
    const p = partitionOf(INGEST_CAUSE, partitions);
    const leases = new Leases(stand.redis, 'worker-a', 10_000);
    expect(await leases.acquire(n.partitionLease(p))).toBe(true);
    const watch = new IngestWatch(stand.redis, n, 'worker-a', partitions, settings, clock);
    const other = new IngestWatch(stand.redis, n, 'worker-b', partitions, settings, clock);

    // No ingest ever: nothing recorded, however long.
    expect(await watch.decide([p])).toBeNull();
    expect(await cause()).toBeUndefined();

    // An instance taking readings beats once a second: ingest is up (since the epoch: no grace to run).
    let connected = true;
    const beat = new IngestHeartbeat(
      stand.redis,
      prefix,
      'ingest-1',
      () => connected,
      (m) => {
        throw new Error(m);
      },
    );
    beat.start();
    try {
      await waitFor(
        'a beat',
        async () => (await stand.redis.hexists(ingestHeartbeatsKey(prefix), 'ingest-1')) === 1,
      );
      const version = await stand.redis.get(causesVersionKey(prefix));
      expect(await watch.decide([p])).toEqual({ state: 'up', since: 0 });
      expect(await stand.redis.get(causesVersionKey(prefix))).not.toBe(version);
      expect(await watch.decide([p])).toBeNull();

      // Alive but cut off from the broker: its beats go on, with the last time it took readings.
      connected = false;
      const cutAt = Date.now();
      let last: IngestBeat | undefined;
      await waitFor('a beat while cut off', async () => {
        const json = await stand.redis.hget(ingestHeartbeatsKey(prefix), 'ingest-1');
        last = JSON.parse(json!) as IngestBeat;
        return last.at > cutAt;
      });
      expect(last!.at).toBeGreaterThan(last!.takingAt!);
      expect(last!.takingAt).toBeLessThanOrEqual(cutAt);
    } finally {
      beat.stop();
    }

    // Its last reading taken 6 s ago (past the down-after time), plus a beat of an instance long gone.
    const now = Date.now();
    const stale: IngestBeat = { at: now, startedAt: now - 60_000, takingAt: now - 6000 };
    const gone: IngestBeat = { at: now - 7_200_000, startedAt: now - 9_000_000, takingAt: now - 7_200_000 };
    await stand.redis.hset(
      ingestHeartbeatsKey(prefix),
      'ingest-1',
      JSON.stringify(stale),
      'old',
      JSON.stringify(gone),
    );
    // A worker that does not hold the partition decides nothing; one that thinks it does is fenced off.
    expect(await other.decide([])).toBeNull();
    await expect(other.decide([p])).rejects.toThrow(/lease/);
    expect((await cause())?.state).toBe('up');

    const down = await watch.decide([p]);
    expect(down).toMatchObject({ state: 'down' });
    expect(await cause()).toEqual(down);
    expect(await stand.redis.hexists(ingestHeartbeatsKey(prefix), 'old')).toBe(0);
    const cache = new CauseCache(stand.redis, prefix);
    expect(await cache.refresh()).toBe(true);
    expect(cache.ingestDown()).toBe(true);

    // Ingest takes readings again: up, since now (the grace of the held alerts starts).
    await stand.redis.hset(
      ingestHeartbeatsKey(prefix),
      'ingest-1',
      JSON.stringify({ ...stale, at: Date.now(), takingAt: Date.now() }),
    );
    const back = await watch.decide([p]);
    expect(back?.state).toBe('up');
    expect(back!.since).toBeGreaterThan(down!.since);
    expect(await cache.refresh()).toBe(true);
    expect(cache.ingestDown()).toBe(false);
  });
});
