import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { AlertTransition, ReadingRecord } from '@lg/contracts';
import { backup, BackupError, backupConfig, restore, type BackupConfig } from '@lg/backup';
import { findBinary, freePort, startInfluxServer, startRedisServer, type ManagedProcess } from '@lg/services';
import {
  alertTransitionLine,
  DEFAULT_RETENTION_PERIODS,
  InfluxLifecycle,
  type InfluxRepository,
  readingLine,
  type InfluxRow,
} from '@lg/storage';
import { managedInflux } from './influx';

const PREFIX = 'drill';

/**
 * The restore drill: a platform's InfluxDB and Redis filled the way the apps fill them, backed up with
 * `npm run backup`'s code, wiped, restored with `npm run restore`'s, and every reading, alert transition,
 * aggregate, scorecard result and Redis key found again.
 */
describe('backup and restore drill (InfluxDB 1.6.7 portable backup, Redis keys, registry)', () => {
  let dir: string;
  let influxd: ManagedProcess;
  let redisd: ManagedProcess;
  let redis: Redis;
  let influx: InfluxRepository;
  let config: BackupConfig;
  const db = 'drill';
  const progress: string[] = [];

  const everything = async (): Promise<Record<string, InfluxRow[]>> => ({
    truck: await influx.queryRows('SELECT * FROM "raw_truck"."truck" ORDER BY time ASC'),
    slope: await influx.queryRows('SELECT * FROM "raw_slope"."slope"'),
    gas: await influx.queryRows('SELECT * FROM "raw_gas"."gas"'),
    minute: await influx.queryRows('SELECT * FROM "agg_1m"."truck"'),
    hour: await influx.queryRows('SELECT * FROM "agg_1h"."truck"'),
    alerts: await influx.queryRows('SELECT * FROM "records"."alert_event"'),
    scorecard: await influx.queryRows('SELECT * FROM "records"."scorecard"'),
  });
  const redisContent = async (): Promise<Record<string, unknown>> => ({
    alert: await redis.hgetall(`${PREFIX}:alert:A-1`),
    open: await redis.zrange(`${PREFIX}:alerts:open`, 0, -1, 'WITHSCORES'),
    stream: (await redis.xrange(`${PREFIX}:rejections:C01`, '-', '+')).map(([, fields]) => fields),
    settings: await redis.get(`${PREFIX}:settings:scorecard`),
    ttl: (await redis.pttl(`${PREFIX}:lease:x`)) > 0,
    tagged: await redis.hgetall(`{${PREFIX}}:alert:A-1`),
    keys: [...(await redis.keys(`${PREFIX}:*`)), ...(await redis.keys(`{${PREFIX}}:*`))].sort(),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-drill-'));
    const [influxPort, rpcPort, redisPort] = [await freePort(), await freePort(), await freePort()];
    [influxd, redisd] = await Promise.all([
      startInfluxServer({ dir: join(dir, 'influxdb'), port: influxPort, rpcPort }),
      startRedisServer({ dir: join(dir, 'redis'), port: redisPort }),
    ]);
    const registry = join(dir, 'registry.json');
    copyFileSync('config/registry/minimal.json', registry);
    config = backupConfig({
      INFLUX_URL: `http://127.0.0.1:${influxPort}`,
      INFLUX_DB: db,
      INFLUX_RPC_ADDRESS: `127.0.0.1:${rpcPort}`,
      INFLUXD_BINARY: findBinary('influxd'),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_PREFIX: PREFIX,
      REGISTRY_FILE: registry,
    });
    redis = new Redis(config.REDIS_URL);
    influx = await managedInflux(config.INFLUX_URL, db);
    await new InfluxLifecycle(influx).apply(DEFAULT_RETENTION_PERIODS);
  });

  afterAll(async () => {
    await influx?.close(0);
    redis?.disconnect();
    await Promise.all([influxd?.stop(), redisd?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds every reading, alert, aggregate, scorecard result and Redis key again after a wipe', async () => {
    const now = Date.now();
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      const ts = now - 3 * 86_400_000 + i * 60_000;
      const r: ReadingRecord = {
        t: 'r',
        kind: 'truck',
        owner: 'C01',
        device: `T00${i % 3}`,
        ts,
        rx: ts + 30,
        q: i % 17 === 0 ? 'bad' : 'ok',
        f: { lat: 22.7 + i / 1e4, lon: 114.2, speed: (i * 7) % 90, sats: 10 },
      };
      if (r.q === 'bad') r.why = ['speed_out_of_range'];
      lines.push(readingLine(r));
    }
    lines.push(
      readingLine({
        t: 'r',
        kind: 'slope',
        owner: 'SL01',
        device: 'S001',
        ts: now - 5000,
        rx: now,
        q: 'ok',
        f: { disp: 3.2 },
      }),
      readingLine({
        t: 'r',
        kind: 'gas',
        owner: 'GP01',
        device: 'G001',
        ts: now - 4000,
        rx: now,
        q: 'ok',
        f: { lel: 12 },
      }),
    );
    const transition: AlertTransition = {
      alertId: 'A-1',
      type: 'acknowledged',
      at: new Date(now - 1000).toISOString(),
      by: 'duty-officer',
      severity: 'red',
      active: true,
      acknowledged: true,
      value: 31,
      note: 'crew sent',
    };
    lines.push(
      alertTransitionLine(transition, { rule: 'gas.lel', kind: 'gas', owner: 'GP01', device: 'G001' }),
    );
    lines.push(`scorecard,company=C01,level=company score=91.5,registered=3i ${now - 86_400_000}`);
    expect((await influx.write(lines)).rejected).toEqual([]);
    await new InfluxLifecycle(influx).aggregate(now - 4 * 86_400_000, now, undefined, ['truck']);

    await redis.hset(`${PREFIX}:alert:A-1`, { state: 'acknowledged', severity: 'red', by: 'duty-officer' });
    await redis.zadd(`${PREFIX}:alerts:open`, now, 'A-1');
    await redis.xadd(`${PREFIX}:rejections:C01`, '*', 'j', '{"reason":"schema"}');
    await redis.set(`${PREFIX}:settings:scorecard`, '{"weights":[1,2]}');
    await redis.set(`${PREFIX}:lease:x`, 'holder', 'PX', 600_000);
    // Hash-tagged, as the keys one script writes together are (alerts, partitions).
    await redis.hset(`{${PREFIX}}:alert:A-1`, { state: 'open' });
    await redis.set('other:key', 'not ours');

    const before = await everything();
    expect(before.truck).toHaveLength(500);
    expect(before.hour.length).toBeGreaterThan(0);
    expect(before.alerts).toHaveLength(1);
    expect(before.scorecard).toHaveLength(1);
    const redisBefore = await redisContent();
    const registryBefore = readFileSync(config.REGISTRY_FILE, 'utf8');

    const folder = await backup(config, join(dir, 'backups'), (l) => progress.push(l));
    expect(existsSync(join(folder, 'manifest.json'))).toBe(true);
    expect(progress.some((l) => l.startsWith('InfluxDB: backing up'))).toBe(true);

    // The disaster: the database, the platform's Redis keys and the registry gone.
    await influx.query(`DROP DATABASE "${db}"`);
    await redis.flushall();
    rmSync(config.REGISTRY_FILE);

    await restore(config, folder, false, (l) => progress.push(l));
    expect(await everything()).toEqual(before);
    expect(await redisContent()).toEqual(redisBefore);
    expect(await redis.exists('other:key')).toBe(0); // not ours: never in the backup
    expect(readFileSync(config.REGISTRY_FILE, 'utf8')).toBe(registryBefore);
    // The continuous queries, which a portable backup does not carry, are back.
    const cqs = await influx.query('SHOW CONTINUOUS QUERIES');
    expect(cqs.find((s) => s.name === db)?.rows).toHaveLength(6);

    // Over live data it refuses, naming what is in the way, and leaves everything as it is.
    await redis.set(`${PREFIX}:alert:A-2`, 'new');
    await expect(restore(config, folder, false)).rejects.toThrow(BackupError);
    await expect(restore(config, folder, false)).rejects.toThrow(/database "drill" exists.*--force/);
    expect(await redis.get(`${PREFIX}:alert:A-2`)).toBe('new');
    // With --force the backup replaces it.
    await restore(config, folder, true);
    expect(await redis.exists(`${PREFIX}:alert:A-2`)).toBe(0);
    expect(await everything()).toEqual(before);
  }, 120_000);

  it('fails fast and leaves no folder when the InfluxDB RPC port does not answer', async () => {
    const closed = await freePort();
    const parent = join(dir, 'unreachable');
    await expect(backup({ ...config, INFLUX_RPC_ADDRESS: `127.0.0.1:${closed}` }, parent)).rejects.toThrow(
      `InfluxDB's RPC port 127.0.0.1:${closed} refused the connection`,
    );
    expect(existsSync(parent)).toBe(false);
  });

  it('refuses a folder that is not a finished backup', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    await expect(restore(config, empty, false)).rejects.toThrow(/no manifest.json/);
    writeFileSync(join(empty, 'manifest.json'), '{"format":"other"}');
    await expect(restore(config, empty, false)).rejects.toThrow(/not a lg-backup\/1 manifest/);
    await expect(restore(config, join(dir, 'nowhere'), false)).rejects.toThrow(/does not exist/);
  });
});
