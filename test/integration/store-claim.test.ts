import Redis from 'ioredis';
import { names, type Names, type ReadingRecord } from '@lg/contracts';
import { ReadingLog, StoreConsumer } from '@lg/ingest';
import { ensureGroup, readGroup } from '@lg/redis';
import { Registry } from '@lg/registry';
import { waitFor } from '@lg/services';
import {
  alertTransitionLine,
  DEFAULT_RETENTION_PERIODS,
  InfluxLifecycle,
  readingLine,
  type InfluxRepository,
} from '@lg/storage';
import { managedInflux } from './influx';
import { servicesStand } from './services-stand';

const ENTRIES = 3;
const PER_ENTRY = 40;
// A claim round runs every 5 s; the first takes the entries over, the next trims what was stored.
const DEADLINE_MS = 20_000;

/**
 * The store consumer takes over what an ingest process left pending when it died for good (its consumer
 * name never comes back): without the claim, those readings would stay in Redis and never reach InfluxDB.
 */
describe('StoreConsumer claiming a dead consumer’s readings', () => {
  const stand = servicesStand('lg-store-claim-', Registry.load('config/registry/minimal.json'));
  const opened: Array<{ stop(): Promise<unknown> }> = [];

  afterEach(async () => {
    for (const o of opened.splice(0).reverse()) await o.stop();
  });

  /** A database of its own, with the platform's retention policies (readings go to `raw_truck`). */
  async function influxDb(db: string): Promise<InfluxRepository> {
    const influx = await managedInflux(stand.services.influxUrl, db);
    opened.push({ stop: () => influx.close(0) });
    await new InfluxLifecycle(influx).apply(DEFAULT_RETENTION_PERIODS);
    return influx;
  }

  /**
   * `ENTRIES` group commits of the reading log, written by ingest's own writer, all read by `ingest-dead`
   * of the store group; it acknowledges the first `acked` of them and dies with the rest pending.
   */
  async function deadConsumerLeaves(n: Names, acked: number): Promise<string[]> {
    const log = new ReadingLog(stand.redis, n.readings, { partitions: 4, line: readingLine });
    const base = Date.now() - 60_000;
    for (let e = 0; e < ENTRIES; e++) {
      const records = Array.from({ length: PER_ENTRY }, (_, i): ReadingRecord => {
        const ts = base + e * PER_ENTRY + i;
        const f = { lat: 22.7, lon: 114.2, speed: 40 + i, sats: 10, alarm: 0, ignition: true };
        return {
          t: 'r',
          kind: 'truck',
          owner: 'C01',
          device: `T-claim-${i % 4}`,
          ts,
          rx: ts + 5,
          q: 'ok',
          f,
        };
      });
      await log.append(records);
    }
    await ensureGroup(stand.redis, n.readings, n.storeGroup);
    const read = await readGroup(stand.redis, n.storeGroup, 'ingest-dead', [n.readings], ['>'], 100, null);
    const ids = (read.get(n.readings) ?? []).map(([id]) => id);
    expect(ids).toHaveLength(ENTRIES);
    if (acked > 0) await stand.redis.xack(n.readings, n.storeGroup, ...ids.slice(0, acked));
    return ids.slice(acked);
  }

  async function startAlive(n: Names, influx: InfluxRepository, claimIdleMs: number): Promise<unknown[]> {
    const errors: unknown[] = [];
    const blocking = new Redis(stand.services.redisUrl);
    opened.push({ stop: () => blocking.quit() });
    const store = new StoreConsumer(
      blocking,
      stand.redis,
      n,
      influx,
      { reading: readingLine, transition: (r) => alertTransitionLine(r.transition, r.alert) },
      { consumer: 'ingest-alive', claimIdleMs, onError: (err) => errors.push(err) },
    );
    await store.start();
    opened.push(store);
    return errors;
  }

  async function stored(influx: InfluxRepository): Promise<number> {
    const rows = await influx.queryRows('SELECT count("lat") AS "n" FROM "raw_truck"."truck"');
    return rows.length === 0 ? 0 : Number(rows[0].n);
  }

  /** The group's pending entries, by consumer. */
  async function pendingBy(n: Names): Promise<Record<string, string[]>> {
    const rows = (await stand.redis.xpending(n.readings, n.storeGroup, '-', '+', 100)) as Array<
      [string, string]
    >;
    const out: Record<string, string[]> = {};
    for (const [id, consumer] of rows) (out[consumer] ??= []).push(id);
    return out;
  }

  it('stores every reading a dead consumer left pending, acknowledges them, then trims the log', async () => {
    const n = names('claim1');
    const influx = await influxDb('claim_taken');
    const left = await deadConsumerLeaves(n, 0);
    expect(await pendingBy(n)).toEqual({ 'ingest-dead': left });
    const errors = await startAlive(n, influx, 300);

    await waitFor(
      'every reading in InfluxDB',
      async () => (await stored(influx)) === ENTRIES * PER_ENTRY,
      DEADLINE_MS,
    );
    await waitFor(
      'nothing pending in the store group',
      async () => Object.keys(await pendingBy(n)).length === 0,
      DEADLINE_MS,
    );
    // With the store group the log's only group, a round after the acknowledgements trims all it read.
    await waitFor(
      'the reading log trimmed',
      async () => (await stand.redis.xlen(n.readings)) === 0,
      DEADLINE_MS,
    );
    expect(await stored(influx)).toBe(ENTRIES * PER_ENTRY);
    expect(errors).toEqual([]);
  });

  it('leaves entries pending for less than claimIdleMs with their consumer', async () => {
    const n = names('claim2');
    const influx = await influxDb('claim_kept');
    const left = await deadConsumerLeaves(n, 1);
    const errors = await startAlive(n, influx, 60_000);

    // The acknowledged first entry goes at the round's tidy, which runs after the round's claim.
    await waitFor(
      'one claim round and its trim',
      async () => (await stand.redis.xlen(n.readings)) === left.length,
      DEADLINE_MS,
    );
    expect(await pendingBy(n)).toEqual({ 'ingest-dead': left });
    expect(await stored(influx)).toBe(0);
    expect(errors).toEqual([]);
  });
});
