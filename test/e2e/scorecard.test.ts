import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { MqttClient } from 'mqtt';
import { names } from '@lg/contracts';
import { SCORECARD_QUEUE } from '@lg/scorecard';
import { demoRegistryWith, Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import { connectDevice, expectC01Rates, login, scorecardFleet } from './helpers';

/* Response bodies are checked with matchers, not typed. */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return */
type Json = any;

const DAY_MS = 86_400_000;
const SHANGHAI = 8 * 3_600_000;
/** 0.001° of latitude along a meridian, km. */
const M_KM = 0.111195;

/**
 * The scorecard end to end: trucks of C01 with known defects and clean trucks of C02 report over MQTT
 * (as their companies' platforms, user = company), ingest stores them, the worker's daily BullMQ job
 * keeps the day, and the gateway serves the scorecard: the expected rates and the right trucks at the top
 * of C01's fix-first list, C02 unaffected.
 *
 * The day is the day before yesterday (Asia/Shanghai), so that it is final whenever the test runs.
 * Fixes are 10 s apart and move 0.001° north (M = 111.195 m, 40 km/h) unless said otherwise.
 * - T001: 30 segments, 420 s silence while moving (a time gap), a 2.2 km jump in 120 s (a distance
 *   gap), 10 segments: 61 M of mileage, 40 M complete.
 * - T002: 20 segments with fix 10 thrown 0.05° north (drifts: two segments left out): 18 M complete; and
 *   two bad records, speed 200 and lat 0.
 * - T003: never online. T004, T005 (C02): 20 clean segments each.
 */
describe('scorecard, end to end', () => {
  let dir: string;
  let platform: Platform;
  let gateway: string;
  let c01Client: MqttClient;
  let c02Client: MqttClient;
  let redis: IORedis;
  let queue: Queue;

  const today = Math.floor((Date.now() + SHANGHAI) / DAY_MS) * DAY_MS - SHANGHAI;
  const day = today - 2 * DAY_MS;
  const dayLabel = new Date(day + SHANGHAI).toISOString().slice(0, 10);
  const T0 = day + 10 * 3_600_000; // 10:00 local
  const period = `from=${day}&to=${day + DAY_MS}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-scorecard-e2e-'));
    platform = await Platform.start({ registryFile: demoRegistryWith(dir, scorecardFleet) });
    gateway = platform.url('gateway');
    c01Client = await connectDevice(platform.services.mqttUrl, 'C01');
    c02Client = await connectDevice(platform.services.mqttUrl, 'C02');
    redis = new IORedis(platform.services.redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue(SCORECARD_QUEUE, { connection: redis, prefix: names(platform.prefix).bullPrefix });
  });

  afterAll(async () => {
    await queue?.close();
    await redis?.quit();
    await c01Client?.endAsync();
    await c02Client?.endAsync();
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  type Reading = { ts: number; lat: number; lon: number; speed: number };
  const run = (start: number, lat: number, count: number): Reading[] =>
    Array.from({ length: count }, (_, i) => ({
      ts: start + i * 10_000,
      lat: lat + i * 0.001,
      lon: 114.2,
      speed: 40,
    }));

  async function publish(
    client: MqttClient,
    owner: string,
    device: string,
    readings: Reading[],
  ): Promise<void> {
    await client.publishAsync(
      `${platform.root}/truck/${owner}/${device}/telemetry`,
      JSON.stringify(readings),
      {
        qos: 1,
      },
    );
  }

  async function api(path: string, token: string): Promise<{ status: number; body: Json }> {
    const res = await fetch(gateway + path, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  }

  it('publishes a day of C01 with defects and C02 clean, and ingest stores every record', async () => {
    const t001 = [
      ...run(T0, 22.7, 31),
      { ts: T0 + 720_000, lat: 22.731, lon: 114.2, speed: 40 },
      ...run(T0 + 840_000, 22.751, 11),
    ];
    const t002 = run(T0, 22.6, 21).map((r, i) => (i === 10 ? { ...r, lat: r.lat + 0.05 } : r));
    t002.push(
      { ts: T0 + 5_000, lat: 22.6, lon: 114.2, speed: 200 },
      { ts: T0 + 15_000, lat: 0, lon: 114.2, speed: 40 },
    );
    await publish(c01Client, 'C01', 'T001', t001);
    await publish(c01Client, 'C01', 'T002', t002);
    await publish(c02Client, 'C02', 'T004', run(T0, 22.65, 21));
    await publish(c02Client, 'C02', 'T005', run(T0, 22.68, 21));
    await waitFor(
      'the 108 records in InfluxDB',
      async () => {
        const rows = await platform.influxQuery('SELECT count("lat") FROM "raw_truck"."truck"');
        return rows[0]?.count === 108;
      },
      30_000,
      200,
    );
    const bad = await platform.influxQuery(
      `SELECT "speed", "why" FROM "raw_truck"."truck" WHERE "q" = 'bad'`,
    );
    expect(bad.map((r) => r.why).sort()).toEqual(['lat_out_of_range', 'speed_out_of_range']);
    // The drift jumps (away and back) keep their quality tag and carry `why=drift`.
    const drifted = await platform.influxQuery(
      `SELECT "why" FROM "raw_truck"."truck" WHERE "q" = 'ok' AND "why" = 'drift'`,
    );
    expect(drifted).toHaveLength(2);
  });

  it('keeps the day with the worker’s scheduled scorecard job', async () => {
    const scheduler = await queue.getJobScheduler('scorecard-daily');
    expect(scheduler).toMatchObject({ pattern: '30 0 * * *', tz: 'Asia/Shanghai' });
    // The scheduler runs at 00:30; the same job, for a given day, runs now.
    const job = await queue.add('day', { day: dayLabel });
    let state = '';
    await waitFor(
      'the scorecard job to complete',
      async () => {
        state = await job.getState();
        if (state === 'failed')
          throw new Error(`scorecard job failed: ${(await queue.getJob(job.id!))?.failedReason}`);
        return state === 'completed';
      },
      60_000,
      200,
    );
    const done = await queue.getJob(job.id!);
    expect(done?.returnvalue).toEqual({ day: dayLabel, companies: 12, trucks: 4, records: 108 });
    const kept = await platform.influxQuery(
      `SELECT "score", "registered", "online" FROM "scorecard" WHERE "level" = 'company' AND "company" = 'C01'`,
    );
    expect(kept).toEqual([{ time: day, score: expect.any(Number), registered: 3, online: 2 }]);
  });

  it('serves C01’s rates and puts the drifting and the never-online trucks first, to the operator and to c01', async () => {
    for (const user of ['operator', 'c01']) {
      const token = await login(gateway, user, user);
      const { status, body } = await api(`/api/scorecard/C01?${period}`, token);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        company: 'C01',
        vehicles: { registered: 3, onNetwork: 2, online: 2, drifted: 1 },
        records: { total: 66, qualified: 64, byReason: { speed_out_of_range: 1, lat_out_of_range: 1 } },
        mileage: { gaps: 2 },
        overspeeds: { count: 0 },
      });
      expect(body.mileage.totalKm).toBeCloseTo(79 * M_KM, 2);
      expectC01Rates(body.rates);
      // 0 + 5 + 15 × 58/79 + 15 × 64/66 + 0 + 20 + 20 + 10 (no overspeeds or fatigue anywhere).
      expect(body.score).toBeCloseTo(5 + (15 * 58) / 79 + (15 * 64) / 66 + 50, 2);
      // Fixing T002 ends the drift (+10) and its bad records (+0.45); T003 lifts access over 90 % (+5);
      // T001's broken track costs 3.99.
      expect(body.fixFirst.map((f: Json) => [f.truck, f.gain, f.problems])).toEqual([
        ['T002', 10.45, ['unqualified_records', 'drift']],
        ['T003', 5, ['never_online']],
        ['T001', 3.99, ['broken_track']],
      ]);
      expect(body.evidence.neverOnline).toEqual(['T003']);
      expect(body.evidence.drifts.map((d: Json) => d.truck)).toEqual(['T002', 'T002']);
      expect(body.evidence.gaps.map((g: Json) => [g.truck, g.reason])).toEqual([
        ['T001', 'distance'],
        ['T001', 'time'],
      ]);
      expect(body.evidence.unqualified.map((u: Json) => u.reasons)).toEqual([
        ['lat_out_of_range'],
        ['speed_out_of_range'],
      ]);
    }
  });

  it('leaves C02 unaffected, and keeps it from c01', async () => {
    const operator = await login(gateway, 'operator', 'operator');
    const c02 = await api(`/api/scorecard/C02?${period}`, operator);
    expect(c02.body).toMatchObject({
      rates: { access: 1, online: 1, completeness: 1, qualification: 1, drift: 0 },
      score: 100,
      fixFirst: [],
      records: { total: 42, qualified: 42 },
    });
    const ranking = await api(`/api/scorecard?${period}`, operator);
    expect(ranking.body.companies.slice(0, 2).map((c: Json) => c.company)).toEqual(['C02', 'C01']);
    const c01 = await login(gateway, 'c01', 'c01');
    expect((await api(`/api/scorecard/C02?${period}`, c01)).status).toBe(404);
    expect((await api(`/api/scorecard?${period}`, c01)).body.companies.map((c: Json) => c.company)).toEqual([
      'C01',
    ]);
  });
});
