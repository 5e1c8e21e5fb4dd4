import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadingRecord } from '@lg/contracts';
import { freePort, startInfluxServer, waitFor, type ManagedProcess } from '@lg/services';
import {
  InfluxQueryError,
  InfluxRepository,
  InfluxWriteError,
  readingLine,
  type InfluxRepositoryConfig,
  type StorageLogger,
} from '@lg/storage';

// Small enough that a few hundred readings overflow one request and InfluxDB answers 413.
const MAX_BODY_BYTES = 64 * 1024;
const TS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

function truck(device: string, i: number, extra: Partial<ReadingRecord> = {}): ReadingRecord {
  return {
    t: 'r',
    kind: 'truck',
    owner: 'C01',
    device,
    ts: TS + i * 1000,
    rx: TS + i * 1000 + 40,
    q: 'ok',
    f: { lat: 22.7 + i / 1e4, lon: 114.2, speed: 40 + (i % 50), sats: 11, alarm: 0, ignition: true },
    ...extra,
  };
}

/** Keeps the repository's log out of the test output, for assertions. */
function memoryLogger(): StorageLogger & { lines: string[] } {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, log: push, warn: push, error: push, debug: push };
}

describe('InfluxRepository against InfluxDB 1.6.7', () => {
  let dir: string;
  let influxd: ManagedProcess;
  let url: string;
  const open: InfluxRepository[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-storage-'));
    const port = await freePort();
    const rpcPort = await freePort();
    influxd = await startInfluxServer({ dir, port, rpcPort, maxBodySize: MAX_BODY_BYTES });
    url = `http://127.0.0.1:${port}`;
  });

  afterEach(async () => {
    influxd.resume(); // in case a test failed while the server was stopped
    await Promise.all(open.splice(0).map((r) => r.close(0)));
  });

  afterAll(async () => {
    await influxd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const freshDb = () => `t_${randomUUID().slice(0, 8)}`;

  /** A repository closed after the test, on a fresh database unless told otherwise. */
  function unstarted(
    overrides: Partial<InfluxRepositoryConfig> = {},
    logger = memoryLogger(),
  ): InfluxRepository {
    const config = {
      url,
      api: 'v1' as const,
      db: freshDb(),
      org: '',
      token: '',
      createDb: true,
      ...overrides,
    };
    const repo = new InfluxRepository(config, logger);
    open.push(repo);
    return repo;
  }

  /** The same, after init() created its database. */
  async function repository(overrides: Partial<InfluxRepositoryConfig> = {}, logger = memoryLogger()) {
    const repo = unstarted(overrides, logger);
    await repo.init();
    return repo;
  }

  async function count(repo: InfluxRepository, measurement = 'truck'): Promise<number> {
    const rows = await repo.queryRows(`SELECT count("lat") AS "n" FROM "${measurement}"`);
    return rows.length === 0 ? 0 : Number(rows[0].n);
  }

  it('creates its database, answers ping, and reads back what it wrote with the right field types', async () => {
    const repo = await repository();
    const ping = await repo.ping();
    expect(ping).toMatchObject({ ok: true, version: expect.stringMatching(/^1\.6/) });

    const driver = 'Li "Da" \\ Wang\nshift 2';
    const result = await repo.write([
      readingLine(
        truck('T0001', 0, {
          f: { lat: 22.7, lon: 114.2, speed: 60, alarm: 4096, sats: 9, ignition: true, driver },
        }),
      ),
      readingLine({
        t: 'r',
        kind: 'slope',
        owner: 'S07',
        device: 'SL01',
        ts: TS,
        rx: TS + 5,
        q: 'ok',
        f: { disp: 12.5, battery: 80 },
      }),
      readingLine({
        t: 'r',
        kind: 'gas',
        owner: 'P03',
        device: 'G0102',
        ts: TS,
        rx: TS + 5,
        q: 'bad',
        why: ['fault'],
        f: { fault: 'E01', gas: 'CH4' },
      }),
    ]);
    expect(result).toEqual({ written: 3, rejected: [] });

    const [row] = await repo.queryRows('SELECT * FROM "truck" WHERE "device" = $device AND time >= $from', {
      device: 'T0001',
      from: new Date(TS),
    });
    expect(row).toEqual({
      time: TS,
      device: 'T0001',
      owner: 'C01',
      q: 'ok',
      lat: 22.7,
      lon: 114.2,
      speed: 60,
      alarm: 4096,
      sats: 9,
      ignition: true,
      driver,
      rx: TS + 40,
    });
    const types = await repo.queryRows<{ fieldKey: string; fieldType: string }>(
      'SHOW FIELD KEYS FROM "truck"',
    );
    expect(Object.fromEntries(types.map((t) => [t.fieldKey, t.fieldType]))).toEqual({
      alarm: 'integer',
      driver: 'string',
      ignition: 'boolean',
      lat: 'float',
      lon: 'float',
      rx: 'integer',
      sats: 'integer',
      speed: 'float',
    });
    expect(await repo.queryRows('SELECT "fault", "why", "q" FROM "gas"')).toEqual([
      { time: TS, fault: 'E01', why: 'fault', q: 'bad' },
    ]);
    const series = await repo.query('SELECT last("disp") FROM "slope" GROUP BY "device"');
    expect(series).toMatchObject([{ name: 'slope', tags: { device: 'SL01' }, rows: [{ last: 12.5 }] }]);
  });

  it('stores a reading written twice once', async () => {
    const repo = await repository();
    const line = readingLine(truck('T0002', 1));
    await repo.write([line, line]);
    await repo.write([readingLine(truck('T0002', 1, { rx: TS + 99_000 }))]);
    expect(await count(repo)).toBe(1);
    expect(await repo.queryRows('SELECT "rx" FROM "truck"')).toEqual([{ time: TS + 1000, rx: TS + 99_000 }]);
  });

  it('keeps the good lines of a batch with bad ones and reports exactly the bad ones', async () => {
    const logger = memoryLogger();
    const repo = await repository({}, logger);
    const lines = [
      readingLine(truck('T0003', 1)),
      'truck,device=T0003 lat=oops 1767225602000',
      readingLine(truck('T0003', 3)),
      // speed is a float: a string here is a field type conflict, which 1.x only counts (dropped=1)
      'truck,device=T0003,owner=C01,q=ok lat=1,speed="fast" 1767225604000',
      readingLine(truck('T0003', 5)),
    ];
    const result = await repo.write(lines);
    expect(result.written).toBe(3);
    expect(result.rejected.map((r) => r.index)).toEqual([1, 3]);
    expect(result.rejected[0].reason).toMatch(/unable to parse/);
    expect(result.rejected[1].reason).toMatch(/field type conflict/);
    expect(await count(repo)).toBe(3);
    expect(repo.stats()).toMatchObject({ writtenLines: 3, rejectedLines: 2, failedWrites: 0 });
    // 1.x named neither bad line in its first answer (a type conflict hides the parse error): halves were resent
    expect(repo.stats().resends).toBeGreaterThan(0);
    expect(logger.lines.some((l) => l.includes('refused 2 distinct line(s) for good'))).toBe(true);
  });

  it('shares requests between concurrent writes and gives each its own result', async () => {
    const repo = await repository({ flushIntervalMs: 50 });
    const [a, b, c] = await Promise.all([
      repo.write([readingLine(truck('T0010', 1)), readingLine(truck('T0010', 2))]),
      repo.write([readingLine(truck('T0011', 1)), 'truck,device=T0011 lat=oops 1']),
      repo.write([readingLine(truck('T0012', 1))]),
    ]);
    expect(a).toEqual({ written: 2, rejected: [] });
    expect(b).toEqual({
      written: 1,
      rejected: [expect.objectContaining({ index: 1, line: 'truck,device=T0011 lat=oops 1' })],
    });
    expect(c).toEqual({ written: 1, rejected: [] });
    expect(await count(repo)).toBe(4);
  });

  it('splits a batch refused as too large (413) until it fits, and rejects a line that never will', async () => {
    const repo = await repository({ batchSize: 10_000 });
    const lines = Array.from({ length: 2000 }, (_, i) => readingLine(truck('T0004', i)));
    const huge = readingLine(
      truck('T0004', 5000, { f: { lat: 1, lon: 1, speed: 1, driver: 'x'.repeat(MAX_BODY_BYTES) } }),
    );
    const result = await repo.write([...lines, huge]);
    expect(result.written).toBe(2000);
    expect(result.rejected).toEqual([{ index: 2000, line: huge, reason: expect.stringMatching(/413/) }]);
    expect(repo.stats().splits).toBeGreaterThanOrEqual(3);
    expect(await count(repo)).toBe(2000);
  });

  it('waits while InfluxDB is stopped and completes without loss once it resumes', async () => {
    const repo = await repository({ requestTimeoutMs: 300, minRetryDelayMs: 50, maxRetryDelayMs: 200 });
    const lines = Array.from({ length: 500 }, (_, i) => readingLine(truck('T0005', i)));
    influxd.pause();
    let settled = false;
    const pending = repo.write(lines).finally(() => (settled = true));
    await waitFor('two failed attempts while influxd is stopped', () => repo.stats().retries >= 2, 10_000);
    expect(settled).toBe(false);
    influxd.resume();
    await expect(pending).resolves.toEqual({ written: 500, rejected: [] });
    expect(await count(repo)).toBe(500);
  });

  it('gives up after its retry window with a clear error; the same lines succeed later', async () => {
    const repo = await repository({
      requestTimeoutMs: 200,
      minRetryDelayMs: 50,
      maxRetryDelayMs: 100,
      retryTimeoutMs: 1000,
    });
    const lines = [readingLine(truck('T0006', 1))];
    influxd.pause();
    const failure = await repo.write(lines).catch((err: unknown) => err);
    influxd.resume();
    expect(failure).toBeInstanceOf(InfluxWriteError);
    expect(failure).toMatchObject({ failure: 'timeout', transient: true });
    expect((failure as Error).message).toMatch(
      /^InfluxDB did not accept a write of 1 lines within 1000 ms: \d+ attempts, the last failed with: Request timed out$/,
    );
    await expect(repo.write(lines)).resolves.toEqual({ written: 1, rejected: [] });
  });

  it('rejects writes still waiting when it is closed, so their callers keep the lines', async () => {
    const repo = await repository({ requestTimeoutMs: 200, minRetryDelayMs: 50 });
    influxd.pause();
    const pending = repo.write([readingLine(truck('T0007', 1))]).catch((err: unknown) => err);
    await waitFor('a failed attempt', () => repo.stats().retries >= 1, 10_000);
    await repo.close(0);
    influxd.resume();
    expect(await pending).toMatchObject({ failure: 'closed' });
    await expect(repo.write(['m v=1 1'])).rejects.toMatchObject({ failure: 'closed' });
  });

  it('names the status and InfluxDB message of a refusal no retry can fix', async () => {
    const db = freshDb();
    const missing = unstarted({ db, createDb: false });
    await expect(missing.init()).rejects.toThrow(`InfluxDB database "${db}" does not exist`);
    const refused = await missing.write([readingLine(truck('T0008', 1))]).catch((err: unknown) => err);
    expect(refused).toMatchObject({ failure: 'refused', status: 404, transient: false });
    expect((refused as Error).message).toBe(
      `InfluxDB refused a write of 1 lines with HTTP 404: database not found: "${db}"`,
    );

    // 1.x answers an unknown retention policy with 500, which must not be retried for a minute.
    const existing = freshDb();
    await repository({ db: existing });
    const noPolicy = unstarted({ db: `${existing}/nope`, createDb: false });
    await expect(noPolicy.write([readingLine(truck('T0008', 1))])).rejects.toMatchObject({
      failure: 'refused',
      status: 500,
      message: expect.stringMatching(/retention policy not found: nope/),
    });
    expect(noPolicy.stats().retries).toBe(0);
  });

  it('binds query parameters, or inlines them escaped, and names InfluxDB errors', async () => {
    const db = freshDb();
    const bound = await repository({ db });
    const inlined = await repository({ db, bindParams: false });
    await bound.write([readingLine(truck("T'9", 1)), readingLine(truck('T0009', 2))]);
    for (const repo of [bound, inlined]) {
      expect(await repo.queryRows('SELECT "speed" FROM "truck" WHERE "device" = $d', { d: "T'9" })).toEqual([
        { time: TS + 1000, speed: 41 },
      ]);
      expect(
        await repo.queryRows('SELECT "speed" FROM "truck" WHERE "device" = $d', { d: "x' OR '1'='1" }),
      ).toEqual([]);
      expect(
        await repo.queryRows('SELECT "speed" FROM "truck" WHERE time >= $from AND time < $to', {
          from: new Date(TS + 2000),
          to: new Date(TS + 3000),
        }),
      ).toEqual([{ time: TS + 2000, speed: 42 }]);
    }
    await expect(bound.query('SELEC * FROM "truck"')).rejects.toThrow(InfluxQueryError);
    await expect(bound.query('SELEC * FROM "truck"')).rejects.toThrow(
      /HTTP 400: error parsing query: found SELEC/,
    );
  });
});
