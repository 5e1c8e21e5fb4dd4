/**
 * `node dist/scripts/measure-storage.js [--trucks 100] [--hours 6]`: measures what a reading costs on
 * InfluxDB's disk, for the README's capacity table. Starts its own InfluxDB 1.x (Debian's influxd) in a
 * temp folder, writes the platform's own lines (trucks every 10 s, slopes and gas detectors every 60 s,
 * with the simulator's kind of values) for a few hours of history through the retention policies, computes
 * the aggregates, lets InfluxDB compact, and prints bytes per point per retention policy. Brief and quiet:
 * a measurement, not a load test.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadingRecord } from '@lg/contracts';
import { freePort, startInfluxServer, waitFor } from '@lg/services';
import {
  DEFAULT_RETENTION_PERIODS,
  InfluxLifecycle,
  InfluxRepository,
  readingLine,
  RETENTION_POLICIES,
} from '@lg/storage';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? def : Number(process.argv[i + 1]);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(p) : statSync(p).size;
  }
  return total;
}

async function main(): Promise<void> {
  const trucks = arg('trucks', 100);
  const hours = arg('hours', 6);
  const sensors = Math.max(1, Math.round(trucks / 4));
  const dir = mkdtempSync(join(tmpdir(), 'lg-measure-'));
  const [port, rpcPort] = [await freePort(), await freePort()];
  const influxd = await startInfluxServer({ dir, port, rpcPort, compactQuickly: true });
  const influx = new InfluxRepository({
    url: `http://127.0.0.1:${port}`,
    api: 'v1',
    db: 'measure',
    org: '',
    token: '',
    createDb: true,
    retention: true,
    // Recomputing hours of aggregates on a busy machine may take longer than an API query should.
    requestTimeoutMs: 300_000,
  });
  try {
    await influx.init();
    await new InfluxLifecycle(influx).apply(DEFAULT_RETENTION_PERIODS);
    const end = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
    const start = end - hours * 3_600_000;
    const points: Record<string, number> = { truck: 0, slope: 0, gas: 0 };
    let batch: string[] = [];
    const flush = async () => {
      if (batch.length > 0) await influx.write(batch);
      batch = [];
    };
    for (let t = start; t < end; t += 10_000) {
      for (let i = 0; i < trucks; i++) {
        const phase = (t / 10_000 + i * 37) % 360;
        const r: ReadingRecord = {
          t: 'r',
          kind: 'truck',
          owner: `C0${i % 9}`,
          device: `T${String(i).padStart(4, '0')}`,
          ts: t + (i % 10) * 7,
          rx: t + 300,
          q: 'ok',
          f: {
            lat: 22.72 + Math.sin((phase * Math.PI) / 180) * 0.05 + i * 1e-4,
            lon: 114.25 + Math.cos((phase * Math.PI) / 180) * 0.05,
            speed: Math.round((40 + 30 * Math.sin(phase / 20)) * 10) / 10,
            heading: Math.round(phase),
            alt: 40 + (i % 30),
            sats: 9 + (i % 5),
            alarm: 0,
            ignition: true,
          },
        };
        batch.push(readingLine(r));
        points.truck++;
      }
      if (t % 60_000 === 0) {
        for (let i = 0; i < sensors; i++) {
          batch.push(
            readingLine({
              t: 'r',
              kind: 'slope',
              owner: 'SL01',
              device: `S${String(i).padStart(4, '0')}`,
              ts: t,
              rx: t + 200,
              q: 'ok',
              f: { disp: Math.round((i + (t - start) / 3.6e6) * 100) / 100, tilt: 0.3, rain: 0, battery: 88 },
            }),
            readingLine({
              t: 'r',
              kind: 'gas',
              owner: 'GP01',
              device: `G${String(i).padStart(4, '0')}`,
              ts: t,
              rx: t + 200,
              q: 'ok',
              f: {
                lel: Math.round(Math.abs(Math.sin(t / 6e5 + i)) * 30) / 10,
                gas: 'CH4',
                ma: 4.5,
                battery: 90,
              },
            }),
          );
          points.slope++;
          points.gas++;
        }
      }
      if (batch.length >= 5000) await flush();
    }
    await flush();
    await new InfluxLifecycle(influx).aggregate(start, end, undefined, undefined, 1);
    const count = async (from: string) => {
      const rows = await influx.queryRows(`SELECT count("n") AS "n" FROM ${from}`);
      return rows.reduce((sum, r) => sum + (typeof r.n === 'number' ? r.n : 0), 0);
    };
    const minute = await count('"agg_1m"./.*/');
    const hour = await count('"agg_1h"./.*/');
    // Wait for the cache to be written as TSM and the WAL to empty, then for the size to settle.
    const data = join(dir, 'data', 'measure');
    const wal = join(dir, 'wal', 'measure');
    let last = -1;
    await waitFor(
      'InfluxDB to compact',
      () => {
        const walBytes = bytesUnder(wal);
        const now = bytesUnder(data);
        const settled = walBytes < 64 * 1024 && now === last;
        last = now;
        return settled;
      },
      120_000,
      3000,
    );
    const rows: Array<[string, number, number]> = [
      [RETENTION_POLICIES.truck, points.truck, bytesUnder(join(data, RETENTION_POLICIES.truck))],
      [RETENTION_POLICIES.slope, points.slope, bytesUnder(join(data, RETENTION_POLICIES.slope))],
      [RETENTION_POLICIES.gas, points.gas, bytesUnder(join(data, RETENTION_POLICIES.gas))],
      [RETENTION_POLICIES.minute, minute, bytesUnder(join(data, RETENTION_POLICIES.minute))],
      [RETENTION_POLICIES.hour, hour, bytesUnder(join(data, RETENTION_POLICIES.hour))],
    ];
    console.log(
      `${trucks} trucks every 10 s, ${sensors} slopes and ${sensors} gas detectors every 60 s, ${hours} h`,
    );
    console.log('| RP | points | bytes on disk | bytes/point |');
    console.log('|---|---:|---:|---:|');
    for (const [rp, n, bytes] of rows) {
      console.log(`| ${rp} | ${n} | ${bytes} | ${n > 0 ? (bytes / n).toFixed(2) : '–'} |`);
    }
  } finally {
    await influx.close(0);
    await influxd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(`measure-storage: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
