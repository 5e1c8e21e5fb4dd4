import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertTransition, ReadingRecord } from '@lg/contracts';
import { freePort, startInfluxServer, waitFor, type ManagedProcess } from '@lg/services';
import {
  alertTransitionLine,
  DEFAULT_RETENTION_PERIODS,
  InfluxHistory,
  InfluxLifecycle,
  type InfluxRepository,
  readingLine,
  type InfluxRow,
} from '@lg/storage';
import { managedInflux } from './influx';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function reading(
  kind: ReadingRecord['kind'],
  device: string,
  ts: number,
  value: number,
  q: 'ok' | 'bad' = 'ok',
) {
  const f: ReadingRecord['f'] =
    kind === 'truck'
      ? { lat: 22.7, lon: 114.2, speed: value, sats: 11 }
      : kind === 'slope'
        ? { disp: value, battery: 90 }
        : { lel: value, gas: 'CH4' };
  const r: ReadingRecord = { t: 'r', kind, owner: 'C01', device, ts, rx: ts + 40, q, f };
  if (q === 'bad') r.why = ['speed_out_of_range'];
  return readingLine(r);
}

describe('data lifecycle on InfluxDB 1.6.7: retention policies, aggregates, expiry', () => {
  let dir: string;
  let influxd: ManagedProcess;
  let url: string;
  let influx: InfluxRepository;
  let lifecycle: InfluxLifecycle;
  const db = `lifecycle_${process.pid}`;

  const count = async (from: string, where = ''): Promise<number> => {
    const rows = await influx.queryRows(
      `SELECT count("rx") AS "n" FROM ${from}${where ? ` WHERE ${where}` : ''}`,
    );
    return typeof rows[0]?.n === 'number' ? rows[0].n : 0;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-lifecycle-'));
    const [port, rpcPort] = [await freePort(), await freePort()];
    // Shards past their period are dropped within a second, so expiry shows in the test.
    influxd = await startInfluxServer({ dir, port, rpcPort, retentionCheckInterval: '1s' });
    url = `http://127.0.0.1:${port}`;
    influx = await managedInflux(url, db);
    lifecycle = new InfluxLifecycle(influx);
  });

  afterAll(async () => {
    await influx?.close(0);
    await influxd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates every policy with its period, records as the default, and the continuous queries; again: nothing', async () => {
    const first = await lifecycle.apply(DEFAULT_RETENTION_PERIODS);
    expect(first.policies).toHaveLength(6);
    expect(first.continuousQueries).toHaveLength(6);
    const policies = await lifecycle.policies();
    const byName = Object.fromEntries(policies.map((p) => [p.name, p]));
    expect(byName.raw_truck).toMatchObject({ durationHours: 183 * 24, shardHours: 24, isDefault: false });
    expect(byName.raw_slope.durationHours).toBe(365 * 24);
    expect(byName.raw_gas.durationHours).toBe(365 * 24);
    expect(byName.records).toMatchObject({ durationHours: 1096 * 24, shardHours: 168, isDefault: true });
    expect(byName.agg_1m.durationHours).toBe(90 * 24);
    expect(byName.agg_1h.durationHours).toBe(1096 * 24);
    expect([...(await lifecycle.continuousQueryTexts()).keys()].sort()).toEqual([
      'lg_gas_1h',
      'lg_gas_1m',
      'lg_slope_1h',
      'lg_slope_1m',
      'lg_truck_1h',
      'lg_truck_1m',
    ]);
    // Idempotent: a restart changes nothing.
    expect(await lifecycle.apply(DEFAULT_RETENTION_PERIODS)).toEqual({ policies: [], continuousQueries: [] });
  });

  it('writes each kind to its policy and records to the default one', async () => {
    const now = Date.now();
    const transition: AlertTransition = {
      alertId: 'A-lifecycle-1',
      type: 'opened',
      at: new Date(now).toISOString(),
      by: 'rule',
      severity: 'red',
      active: true,
      acknowledged: false,
      value: 31,
    };
    const result = await influx.write([
      reading('truck', 'T-route', now, 40),
      reading('gas', 'G-route', now, 3),
      alertTransitionLine(transition, { rule: 'gas.lel', kind: 'gas', owner: 'C01', device: 'G-route' }),
      reading('slope', 'S-route', now, 1.5),
    ]);
    expect(result).toEqual({ written: 4, rejected: [] });
    expect(await count('"raw_truck"."truck"', `"device" = 'T-route'`)).toBe(1);
    expect(await count('"raw_gas"."gas"', `"device" = 'G-route'`)).toBe(1);
    expect(await count('"raw_slope"."slope"', `"device" = 'S-route'`)).toBe(1);
    // Not in the default policy: readings are only where their period applies.
    expect(await count('"truck"', `"device" = 'T-route'`)).toBe(0);
    const alerts = await influx.queryRows(`SELECT "by" FROM "alert_event" WHERE "alert" = 'A-lifecycle-1'`);
    expect(alerts).toHaveLength(1);
  });

  it('reports a refused line of a mixed batch at its own index, and stores the rest', async () => {
    const now = Date.now();
    const lines = [
      reading('truck', 'T-mixed', now, 41),
      reading('gas', 'G-mixed', now, 2),
      // `lel` is a float: an integer for it is a field type conflict, refused for good.
      `gas,device=G-mixed,owner=C01,q=ok lel=3i,rx=1i ${now + 1}`,
      reading('slope', 'S-mixed', now, 0.5),
    ];
    const result = await influx.write(lines);
    expect(result.written).toBe(3);
    expect(result.rejected.map((r) => [r.index, r.line])).toEqual([[2, lines[2]]]);
    expect(await count('"raw_gas"."gas"', `"device" = 'G-mixed'`)).toBe(1);
    expect(await count('"raw_slope"."slope"', `"device" = 'S-mixed'`)).toBe(1);
  });

  it('reports the figures to watch: series, shards and disk per policy', async () => {
    const stats = await lifecycle.stats();
    // T-route, T-mixed (ok); G-route, G-mixed; S-route, S-mixed; one alert_event series.
    expect(stats.seriesCardinality).toBeGreaterThanOrEqual(7);
    expect(stats.shards).toMatchObject({ raw_truck: 1, raw_gas: 1, raw_slope: 1, records: 1, agg_1h: 0 });
    expect(stats.diskBytes.raw_truck).toBeGreaterThan(0);
    expect(stats.diskBytes.agg_1h).toBe(0);
  });

  it('a longer period on a running system keeps every point', async () => {
    const before = await count('"raw_truck"."truck"');
    expect(before).toBeGreaterThan(0);
    const changes = await lifecycle.apply({ ...DEFAULT_RETENTION_PERIODS, truck: 400 * 24 });
    expect(changes.policies).toEqual([
      `ALTER RETENTION POLICY "raw_truck" ON "${db}" DURATION 9600h REPLICATION 1 SHARD DURATION 168h`,
    ]);
    expect(await count('"raw_truck"."truck"')).toBe(before);
    await lifecycle.apply(DEFAULT_RETENTION_PERIODS);
    expect(await count('"raw_truck"."truck"')).toBe(before);
  });

  it('fills the 1-minute aggregates from writes by continuous query, per device and quality', async () => {
    // Readings in the minute that just ended (or the one before, when a boundary is close): the next run
    // of the continuous query (every minute, over the last five) aggregates them.
    const bucket = Math.floor(Date.now() / MIN) * MIN - MIN;
    const lines = [
      reading('truck', 'T-cq', bucket + 5_000, 30),
      reading('truck', 'T-cq', bucket + 15_000, 50),
      reading('truck', 'T-cq', bucket + 25_000, 70),
      reading('truck', 'T-cq', bucket + 35_000, 190, 'bad'),
    ];
    expect((await influx.write(lines)).written).toBe(4);
    let rows: InfluxRow[] = [];
    await waitFor(
      'the 1-minute aggregate of T-cq',
      async () => {
        rows = await influx.queryRows(
          `SELECT "speed_min", "speed_max", "speed_sum", "speed_count", "n", "q" FROM "agg_1m"."truck" WHERE "device" = 'T-cq' GROUP BY "q"`,
        );
        return rows.length === 2;
      },
      150_000,
      500,
    );
    const ok = rows.find((r) => r.q === 'ok');
    const bad = rows.find((r) => r.q === 'bad');
    expect(ok).toMatchObject({
      time: bucket,
      speed_min: 30,
      speed_max: 70,
      speed_sum: 150,
      speed_count: 3,
      n: 3,
    });
    expect(bad).toMatchObject({ time: bucket, speed_min: 190, speed_max: 190, speed_sum: 190, n: 1 });
  }, 180_000);

  it('answers a 30-day chart from the hourly aggregates, equal to the raw computation', async () => {
    const now = Date.now();
    const from = now - 30 * DAY;
    // A truck every 10 minutes for 30 days up to 3 hours ago, some unqualified, and one in the last hour.
    const lines: string[] = [];
    for (let ts = from + 7_000, i = 0; ts < now - 3 * HOUR; ts += 10 * MIN, i++) {
      lines.push(reading('truck', 'T-30d', ts, 20 + ((i * 37) % 61) + i / 7, i % 13 === 0 ? 'bad' : 'ok'));
    }
    lines.push(reading('truck', 'T-30d', now - 20 * MIN, 55));
    expect((await influx.write(lines)).written).toBe(lines.length);
    // History written after its minute passed: the platform's own recomputation, as after a backfill.
    const chunks: number[] = [];
    await lifecycle.aggregate(from, now, (_at, done, total) => chunks.push(total - done), ['truck'], 24);
    expect(chunks.length).toBeGreaterThanOrEqual(30);
    expect(chunks[chunks.length - 1]).toBe(0);

    const chart = await new InfluxHistory(influx).meanSeries('truck', 'T-30d', 'speed', from, now, HOUR, now);
    expect(chart.source).toBe('hour');
    const raw = await influx.queryRows(
      `SELECT mean("speed") AS "value", count("speed") AS "count" FROM "raw_truck"."truck" WHERE "device" = 'T-30d' AND time >= ${from}ms AND time < ${now}ms GROUP BY time(1h) fill(none)`,
    );
    expect(raw.length).toBeGreaterThan(700);
    expect(chart.points.map((p) => [p.ts, p.count])).toEqual(raw.map((r) => [r.time, r.count]));
    chart.points.forEach((p, i) => expect(p.value).toBeCloseTo(raw[i].value as number, 9));
    // Where the answer came from: the hourly aggregate holds the same buckets.
    const hourly = await influx.queryRows(
      `SELECT count("n") AS "n" FROM "agg_1h"."truck" WHERE "device" = 'T-30d'`,
    );
    expect(hourly[0]?.n).toBeGreaterThan(700);
  }, 120_000);

  it('old data leaves when its shortened period ends; recent data stays', async () => {
    const now = Date.now();
    const written = await influx.write([
      reading('slope', 'S-expiry', now - 10 * DAY, 1),
      reading('slope', 'S-expiry', now - 9 * DAY, 2),
      reading('slope', 'S-expiry', now - 5 * MIN, 3),
    ]);
    expect(written.written).toBe(3);
    expect(await count('"raw_slope"."slope"', `"device" = 'S-expiry'`)).toBe(3);
    // One hour: the shortest period InfluxDB has. Shards of whole days end long before; today's does not.
    const changes = await lifecycle.apply({ ...DEFAULT_RETENTION_PERIODS, slope: 1 });
    expect(changes.policies).toEqual([
      `ALTER RETENTION POLICY "raw_slope" ON "${db}" DURATION 1h REPLICATION 1 SHARD DURATION 1h`,
    ]);
    await waitFor(
      'the old slope readings to expire',
      async () => (await count('"raw_slope"."slope"', `"device" = 'S-expiry'`)) === 1,
      30_000,
      200,
    );
    const left = await influx.queryRows(`SELECT "disp" FROM "raw_slope"."slope" WHERE "device" = 'S-expiry'`);
    expect(left).toEqual([{ time: now - 5 * MIN, disp: 3 }]);
  });
});
