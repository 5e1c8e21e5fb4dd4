import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { AlertStore, type AlertSubject } from '@lg/alerts';
import {
  names,
  type Alert,
  type AlertTransition,
  type LiveRecord,
  type Position,
  type Severity,
} from '@lg/contracts';
import { Leases } from '@lg/redis';
import { alertTransitionLine, readingLine } from '@lg/storage';
import { waitFor } from '@lg/services';
import { stageOpening, useGatewayHarness, type Inbox } from './gateway-harness';
import { demoRegistryWith } from '@lg/testing';
import { expectC01Rates, scorecardFleet } from '../e2e/helpers';

/* Response bodies are checked with matchers, not typed. */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return */
type Json = any;

/**
 * The scorecard against real Redis and InfluxDB, behind the real gateway: readings and alert transitions
 * written as ingest writes them, for 1 May 2026 (Asia/Shanghai), a final day. C01 has known defects, C02
 * is clean; every figure below is computed by hand. Then: a company user reaches no other company's data
 * through any endpoint or the live feed.
 *
 * 0.001° of latitude along a meridian is M = 111.195 m; fixes 10 s apart move 0.001° (40 km/h).
 * - T001 (C01): 30 complete segments, a 420 s gap while moving (M), a 2.2 km jump in 120 s (20 M, a
 *   distance gap, not a drift), 10 complete segments: 61 M of mileage, 40 M complete; one overspeed.
 * - T002 (C01): 20 segments with a spike at fix 10 (two drifted segments, left out): 18 M, all complete;
 *   two unqualified records (speed 200, lat 0); 30 min of fatigue (orange).
 * - T003 (C01): never online.
 * - T004, T005 (C02): 20 complete segments each; T004 one overspeed.
 */
describe('scorecard (real Redis and InfluxDB)', () => {
  const db = 'sc_test';
  const prefix = `sc${randomBytes(4).toString('hex')}`;
  const n = names(prefix);
  let operator: string;
  let c01: string;
  let c02: string;

  const DAY = '2026-05-01';
  const FROM = '2026-05-01T00:00:00%2B08:00';
  const TO = '2026-05-02T00:00:00%2B08:00';
  const PERIOD = `from=${FROM}&to=${TO}`;
  const T0 = Date.parse('2026-05-01T02:00:00Z'); // 10:00 local
  const M_KM = 0.111195;

  const api = (path: string, token?: string, init?: RequestInit) => gw.request(path, token, init);
  const login = (username: string) => gw.login(username);
  const influxWrite = (lines: string[]) => gw.influxWrite(lines);

  const reading = (device: string, owner: string, ts: number, lat: number, speed = 40, why?: string[]) =>
    readingLine({
      t: 'r',
      kind: 'truck',
      owner,
      device,
      ts,
      rx: ts + 100,
      q: why ? 'bad' : 'ok',
      ...(why ? { why } : {}),
      f: { lat, lon: 114.2, speed, heading: 0 },
    });

  /** `count` fixes 10 s apart from `start`, each 0.001° north of the last. */
  const run = (device: string, owner: string, start: number, lat: number, count: number) =>
    Array.from({ length: count }, (_, i) => reading(device, owner, start + i * 10_000, lat + i * 0.001));

  const transition = (
    alertId: string,
    type: AlertTransition['type'],
    at: number,
    severity: Severity,
    active: boolean,
  ): AlertTransition => ({
    alertId,
    type,
    at: new Date(at).toISOString(),
    by: 'system',
    severity,
    active,
    acknowledged: false,
    value: null,
  });

  function seed(): string[] {
    const lines: string[] = [];
    // T001: fixes 0..30 (30 segments), then +420 s and +0.001°, then +120 s and +0.02°, then 10 more.
    lines.push(...run('T001', 'C01', T0, 22.7, 31));
    const t31 = T0 + 300_000 + 420_000;
    lines.push(reading('T001', 'C01', t31, 22.731));
    const t32 = t31 + 120_000;
    lines.push(...run('T001', 'C01', t32, 22.751, 11));
    // T002: 21 fixes with fix 10 thrown 0.05° north, and two unqualified records.
    for (let i = 0; i < 21; i++)
      lines.push(reading('T002', 'C01', T0 + i * 10_000, 22.6 + i * 0.001 + (i === 10 ? 0.05 : 0)));
    lines.push(reading('T002', 'C01', T0 + 5_000, 22.6, 200, ['speed_out_of_range']));
    lines.push(reading('T002', 'C01', T0 + 15_000, 0, 40, ['lat_out_of_range']));
    // C02: clean.
    lines.push(...run('T004', 'C02', T0, 22.65, 21), ...run('T005', 'C02', T0, 22.68, 21));
    // Alert transitions as the worker writes them.
    const truck = (device: string, owner: string, rule: string) => ({
      rule,
      kind: 'truck' as const,
      owner,
      device,
    });
    const over1 = truck('T001', 'C01', 'truck.overspeed');
    lines.push(
      alertTransitionLine(transition('ov1', 'opened', T0 + 60_000, 'yellow', true), over1),
      alertTransitionLine(transition('ov1', 'raised', T0 + 70_000, 'orange', true), over1),
      alertTransitionLine(transition('ov1', 'cleared', T0 + 120_000, 'orange', false), over1),
    );
    const over4 = truck('T004', 'C02', 'truck.overspeed');
    lines.push(alertTransitionLine(transition('ov4', 'opened', T0 + 60_000, 'yellow', true), over4));
    const fat2 = truck('T002', 'C01', 'truck.fatigue');
    lines.push(
      alertTransitionLine(transition('fa2', 'opened', T0, 'blue', true), fat2),
      alertTransitionLine(transition('fa2', 'raised', T0 + 15 * 60_000, 'orange', true), fat2),
      alertTransitionLine(transition('fa2', 'cleared', T0 + 45 * 60_000, 'orange', false), fat2),
    );
    return lines;
  }

  const gw = useGatewayHarness(
    { name: 'scorecard', db, prefix, registry: (dir) => demoRegistryWith(dir, scorecardFleet) },
    async () => {
      await influxWrite(seed());
      [operator, c01, c02] = await Promise.all([login('operator'), login('c01'), login('c02')]);
    },
  );

  describe('rates, points and score', () => {
    it('scores C01 from its defects and C02 clean, against the regional averages', async () => {
      const { status, body } = await api(`/api/scorecard/C01?${PERIOD}`, operator);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        company: 'C01',
        rank: 2,
        from: '2026-04-30T16:00:00.000Z',
        to: '2026-05-01T16:00:00.000Z',
        vehicles: { registered: 3, onNetwork: 2, online: 2, drifted: 1 },
        records: {
          total: 66,
          qualified: 64,
          unqualified: 2,
          byReason: { speed_out_of_range: 1, lat_out_of_range: 1 },
        },
        mileage: { gaps: 2 },
        // Regional: 2 overspeeds and 0.5 h of fatigue over 4 vehicles online.
        overspeeds: { count: 1, perVehicle: 0.5, regionalAverage: 0.5 },
        fatigue: { hours: 0.5, perVehicle: 0.25, regionalAverage: 0.125 },
        dutyCheck: { rate: 1, source: 'default' },
      });
      expect(body.mileage.totalKm).toBeCloseTo(79 * M_KM, 2);
      expect(body.mileage.completeKm).toBeCloseTo(58 * M_KM, 2);
      expectC01Rates(body.rates);
      // access 67 % < 90 % → 0; online 5; completeness 73 % → 11.01; qualification 97 % → 14.55;
      // drift 50 % → 0; overspeeds x = a → 10; fatigue x = 2a → 0; duty check 10.
      expect(body.points).toEqual({
        access: 0,
        online: 5,
        completeness: 11.01,
        qualification: 14.55,
        drift: 0,
        overspeed: 10,
        fatigue: 0,
        dutyCheck: 10,
      });
      expect(body.score).toBeCloseTo(5 + (15 * 58) / 79 + (15 * 64) / 66 + 20, 2);
    });

    it('puts the never-online truck first, then the drifting one, then the broken track', async () => {
      const { body } = await api(`/api/scorecard/C01?${PERIOD}`, c01);
      expect(body).not.toHaveProperty('rank');
      // T003 online: access 5, overspeeds 1/3 → 13.33, fatigue 0.5/3 h → 6.67: +15.
      // T002 fixed: drift 0 → +10, qualification 1 → +0.45. T001 fixed: completeness 1 → +3.99.
      expect(body.fixFirst.map((f: Json) => [f.truck, f.gain])).toEqual([
        ['T003', 15],
        ['T002', 10.45],
        ['T001', 3.99],
      ]);
      expect(body.fixFirst[0].problems).toEqual(['never_online']);
      expect(body.fixFirst[1].problems).toEqual(['unqualified_records', 'drift']);
      expect(body.fixFirst[2].problems).toEqual(['broken_track']);
      const t001 = body.trucks.find((t: Json) => t.truck === 'T001');
      expect(t001).toMatchObject({ records: 43, qualified: 43, gaps: 2, overspeeds: 1, drifted: false });
      expect(t001.completeness).toBeCloseTo(40 / 61, 4);
      expect(body.trucks.find((t: Json) => t.truck === 'T002')).toMatchObject({
        records: 23,
        qualified: 21,
        driftFixes: 2,
        fatigueHours: 0.5,
        completeness: 1,
      });
    });

    it('shows the evidence behind each rate', async () => {
      const { body } = await api(`/api/scorecard/C01?${PERIOD}`, c01);
      expect(body.evidence.neverOnline).toEqual(['T003']);
      expect(body.evidence.offline).toEqual([]);
      expect(body.evidence.gaps.map((g: Json) => [g.truck, g.reason, g.minutes])).toEqual([
        ['T001', 'distance', 2],
        ['T001', 'time', 7],
      ]);
      expect(body.evidence.drifts.map((d: Json) => [d.truck, d.ts, d.reason])).toEqual([
        ['T002', new Date(T0 + 100_000).toISOString(), 'speed'],
        ['T002', new Date(T0 + 110_000).toISOString(), 'speed'],
      ]);
      expect(body.evidence.unqualified).toEqual([
        {
          truck: 'T002',
          ts: new Date(T0 + 15_000).toISOString(),
          reasons: ['lat_out_of_range'],
          lat: 0,
          lon: 114.2,
          speed: 40,
        },
        {
          truck: 'T002',
          ts: new Date(T0 + 5_000).toISOString(),
          reasons: ['speed_out_of_range'],
          lat: 22.6,
          lon: 114.2,
          speed: 200,
        },
      ]);
    });

    it('leaves C02 unaffected and ranks it first', async () => {
      const { body } = await api(`/api/scorecard?${PERIOD}`, operator);
      expect(body.companies).toHaveLength(12);
      expect(body.companies.slice(0, 2).map((c: Json) => [c.company, c.rank])).toEqual([
        ['C02', 1],
        ['C01', 2],
      ]);
      const c02card = body.companies[0];
      expect(c02card).not.toHaveProperty('trucks');
      expect(c02card.rates).toEqual({ access: 1, online: 1, completeness: 1, qualification: 1, drift: 0 });
      // Overspeeds x = a → 10; no fatigue → 20.
      expect(c02card.score).toBe(90);
      // A company with no trucks and no data: duty check only.
      expect(body.companies.find((c: Json) => c.company === 'C07')).toMatchObject({
        score: 10,
        rates: { access: null },
      });
    });

    it('keeps the final day in InfluxDB and serves the trend from it', async () => {
      const res = await fetch(
        `${gw.influxUrl}/query?db=${db}&q=${encodeURIComponent(`SELECT "score", "rate_qualification" FROM "scorecard" WHERE "company" = 'C01' AND "level" = 'company'`)}&epoch=ms`,
      );
      const kept = (await res.json()) as Json;
      expect(kept.results[0].series[0].values).toEqual([
        [Date.parse('2026-04-30T16:00:00Z'), expect.any(Number), 0.9697],
      ]);
      const trend = await api('/api/scorecard/C01/trend?days=3&to=2026-05-02T12:00:00%2B08:00', c01);
      expect(trend.status).toBe(200);
      expect(trend.body.points.map((p: Json) => p.day)).toEqual(['2026-04-29', '2026-04-30', DAY]);
      const day = await api(`/api/scorecard/C01?${PERIOD}`, c01);
      expect(trend.body.points[2].score).toBe(day.body.score);
      expect(trend.body.points[0]).toMatchObject({ score: 10, rates: { access: 0 } });
    });

    it('computes a part of a day from the records with the same figures', async () => {
      const part = await api(
        '/api/scorecard/C01?from=2026-05-01T09:00:00%2B08:00&to=2026-05-01T12:00:00%2B08:00',
        c01,
      );
      const day = await api(`/api/scorecard/C01?${PERIOD}`, c01);
      expect(part.body.rates).toEqual(day.body.rates);
      expect(part.body.score).toBe(day.body.score);
    });
  });

  describe('settings', () => {
    const path = '/api/scorecard/settings';
    afterAll(async () => {
      await api(path, operator, { method: 'PUT', body: '{}' });
    });

    it('are for operators; bad keys are named; changes apply to what is computed next', async () => {
      expect((await api(path, c01)).status).toBe(403);
      expect((await api(path, c01, { method: 'PUT', body: '{}' })).status).toBe(403);
      const current = await api(path, operator);
      expect(current.body.settings.track).toEqual({
        gapDistanceM: 1000,
        gapTimeSec: 300,
        movingSpeedKmh: 5,
        movingDistanceM: 100,
      });
      const bad = await api(path, operator, {
        method: 'PUT',
        body: JSON.stringify({ track: { gapTimeSec: 'long' } }),
      });
      expect(bad).toMatchObject({
        status: 400,
        body: { message: expect.stringMatching(/^track\.gapTimeSec: /) },
      });

      const put = await api(path, operator, {
        method: 'PUT',
        body: JSON.stringify({ track: { gapTimeSec: 600 }, dutyCheck: { companies: { C01: 0.5 } } }),
      });
      expect(put.status).toBe(200);
      expect(put.body.overrides).toEqual({
        track: { gapTimeSec: 600 },
        dutyCheck: { companies: { C01: 0.5 } },
      });
      // A part of the day is computed afresh: the 420 s gap no longer breaks T001's track.
      const part = await api(
        '/api/scorecard/C01?from=2026-05-01T09:00:00%2B08:00&to=2026-05-01T12:00:00%2B08:00',
        c01,
      );
      expect(part.body.mileage.gaps).toBe(1);
      expect(part.body.dutyCheck).toEqual({ rate: 0.5, source: 'configured' });
      expect(part.body.points.dutyCheck).toBe(5);
    });
  });

  describe('exports', () => {
    it('serves CSV with Chinese or English headings as an attachment', async () => {
      const zh = await api(`/api/scorecard/C01/export?format=csv&lang=zh&${PERIOD}`, c01);
      expect(zh.status).toBe(200);
      expect(zh.res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(zh.res.headers.get('content-disposition')).toBe(
        'attachment; filename="scorecard-C01-2026-05-01-zh.csv"',
      );
      const lines = (zh.body as string)
        .replace(/^\uFEFF/, '')
        .trimEnd()
        .split('\r\n');
      expect(lines[0]).toMatch(/^车辆编号,车牌号,是否入网,是否上线,/);
      expect(lines.slice(1, 4).map((l) => l.split(',')[0])).toEqual(['T003', 'T002', 'T001']);
      expect(lines[4]).toMatch(/^合计,/);
      const en = await api(`/api/scorecard/C01/export?lang=en&${PERIOD}`, operator);
      expect((en.body as string).replace(/^\uFEFF/, '').split('\r\n')[0]).toMatch(
        /^Vehicle,Plate,On network,Online,/,
      );
    });

    it('serves XLSX', async () => {
      const x = await api(`/api/scorecard/C01/export?format=xlsx&lang=en&${PERIOD}`, c01);
      expect(x.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(x.body as ArrayBuffer);
      expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Vehicles', 'Evidence']);
      expect(wb.getWorksheet('Vehicles')?.getRow(2).getCell(1).value).toBe('T003');
    });
  });

  describe('parameters', () => {
    it('refuses bad input with 400 naming the parameter', async () => {
      const message = async (path: string) => {
        const r = await api(path, operator);
        expect(r.status).toBe(400);
        return r.body.message as string;
      };
      expect(await message('/api/scorecard?from=yesterday')).toMatch(/^from: /);
      expect(await message(`/api/scorecard?from=${TO}&to=${FROM}`)).toBe('from: must be before to');
      expect(await message('/api/scorecard?from=2026-03-01T00:00:00Z&to=2026-05-01T00:00:00Z')).toBe(
        'from: from..to spans more than 31 days',
      );
      expect(await message('/api/scorecard?company=C01')).toBe('unknown query parameter company');
      expect(await message('/api/scorecard/C01/export?format=pdf')).toBe(
        'format: must be one of csv, xlsx, got "pdf"',
      );
      expect(await message('/api/scorecard/C01/export?lang=fr')).toBe(
        'lang: must be one of zh, en, got "fr"',
      );
      expect(await message('/api/scorecard/C01/trend?days=0')).toMatch(/^days: /);
      expect(await message('/api/scorecard/C%2001')).toMatch(/^companyId: /);
      expect((await api('/api/scorecard/C99', operator)).status).toBe(404);
      expect((await api('/api/scorecard')).status).toBe(401);
    });

    it('documents the endpoints in OpenAPI', async () => {
      const { body } = await api('/api/docs/openapi.json');
      expect(Object.keys(body.paths)).toEqual(
        expect.arrayContaining([
          '/api/scorecard',
          '/api/scorecard/{companyId}',
          '/api/scorecard/{companyId}/trend',
          '/api/scorecard/{companyId}/export',
          '/api/scorecard/settings',
        ]),
      );
    });
  });

  describe('requests that could multiply the work', () => {
    /** Queries InfluxDB has answered so far (its own statistics). */
    async function influxQueries(): Promise<number> {
      const vars = (await (await fetch(`${gw.influxUrl}/debug/vars`)).json()) as Record<string, Json>;
      const httpd = Object.entries(vars).find(([key]) => key.startsWith('httpd'));
      return Number(httpd?.[1].values.queryReq);
    }

    it('computes a period once, whatever milliseconds its requests add, and says which period it is', async () => {
      // One request for a part of a day no one asked for yet: the queries one computation costs.
      let before = await influxQueries();
      const one = await api(
        '/api/scorecard?from=2026-05-01T13:00:00%2B08:00&to=2026-05-01T15:00:00%2B08:00',
        operator,
      );
      expect(one.status).toBe(200);
      const perComputation = (await influxQueries()) - before;
      expect(perComputation).toBeGreaterThan(0);

      // Twelve at once for another part, each shifted by a millisecond: widened to whole hours, they are
      // one period, computed once for all of them.
      const start = Date.parse('2026-05-01T16:00:00+08:00');
      const end = Date.parse('2026-05-01T18:00:00+08:00');
      before = await influxQueries();
      const shifted = await Promise.all(
        Array.from({ length: 12 }, (_, i) => api(`/api/scorecard?from=${start + i}&to=${end - i}`, operator)),
      );
      expect((await influxQueries()) - before).toBe(perComputation);
      for (const r of shifted) {
        expect(r.status).toBe(200);
        expect(r.body).toEqual(shifted[0].body);
      }
      expect(shifted[0].body.from).toBe('2026-05-01T08:00:00.000Z');
      expect(shifted[0].body.to).toBe('2026-05-01T10:00:00.000Z');
    });

    it('computes a bounded number of periods at once and answers the rest 503 with Retry-After', async () => {
      // 40 distinct periods at once (one hour each, on days not kept): 2 are computed at a time, 16 wait.
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => {
          const from =
            Date.parse('2026-04-01T01:00:00+08:00') + (i % 20) * 86_400_000 + Math.floor(i / 20) * 3_600_000;
          return api(`/api/scorecard?from=${from}&to=${from + 3_600_000}`, operator);
        }),
      );
      const busy = answers.filter((a) => a.status === 503);
      expect(answers.filter((a) => a.status === 200).length + busy.length).toBe(40);
      expect(busy.length).toBeGreaterThan(0);
      expect(busy[0].res.headers.get('retry-after')).toBe('5');
      expect(busy[0].body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'too many scorecards being computed at once: try again in 5 s',
      });
    });

    it('refuses times InfluxDB cannot store with 400, never 500', async () => {
      const late = 'must be before 2262-01-01T00:00:00.000Z, the latest time the platform stores';
      for (const [path, message] of [
        ['/api/scorecard?to=8640000000000000', `to: ${late}`],
        ['/api/scorecard?from=9214646400000', `from: ${late}`],
        ['/api/scorecard?from=9214646399999', 'to: must be before 2262-01-01T00:00:00.000Z'],
        ['/api/scorecard/C01?to=2262-04-12T00:00:00Z', `to: ${late}`],
        ['/api/scorecard/C01/trend?to=8640000000000000', `to: ${late}`],
        ['/api/alerts?since=8640000000000000', `since: ${late}`],
        ['/api/trucks/T001/track?to=8640000000000000', `to: ${late}`],
        [
          '/api/devices/T001/series?field=speed&from=9000000000000000',
          'from: must be before 2262-01-01T00:00:00.000Z, the latest time the platform stores',
        ],
      ]) {
        const r = await api(path, operator);
        expect({ path, status: r.status, message: r.body.message }).toEqual({ path, status: 400, message });
      }
    });
  });

  describe('tenant isolation: c01 reaches nothing of C02', () => {
    let leases: Leases;
    let store: AlertStore;
    let clock = Date.parse('2026-05-01T08:00:00Z');

    async function stage(subject: AlertSubject, severity: Severity): Promise<Alert> {
      clock += 1000;
      return stageOpening(gw.redis, store, leases, n.partitionLease(0), { subject, severity, at: clock });
    }

    beforeAll(async () => {
      store = new AlertStore(gw.redis, n);
      leases = new Leases(gw.redis, 'test-worker', 60_000);
      expect(await leases.acquire(n.partitionLease(0))).toBe(true);
    });

    it('over every REST endpoint', async () => {
      const other = await stage(
        { rule: 'truck.overspeed', kind: 'truck', owner: 'C02', device: 'T004' },
        'red',
      );
      const id = encodeURIComponent(other.id);
      const range = 'from=2026-05-01T09:00:00%2B08:00&to=2026-05-01T12:00:00%2B08:00';
      // Each of these is C02's and must be 404 (or 403 for asking outright) to c01, and never carry data.
      const refused: Array<[string, number, RequestInit?]> = [
        [`/api/alerts/${id}`, 404],
        [`/api/alerts/${id}/history`, 404],
        [`/api/alerts/${id}/ack`, 404, { method: 'POST', body: '{}' }],
        ['/api/alerts?owner=C02', 403],
        [`/api/trucks/T004/track?${range}`, 404],
        [`/api/devices/T005/series?field=speed&${range}`, 404],
        [`/api/devices/G001/series?field=lel&${range}`, 403],
        [`/api/scorecard/C02?${PERIOD}`, 404],
        ['/api/scorecard/C02/trend?days=2', 404],
        [`/api/scorecard/C02/export?format=csv&${PERIOD}`, 404],
        [`/api/scorecard/C02/export?format=xlsx&${PERIOD}`, 404],
      ];
      for (const [path, status, init] of refused) {
        const r = await api(path, c01, init);
        expect([path, r.status]).toEqual([path, status]);
        // Nothing but the error: messages only echo what was asked.
        expect(Object.keys(r.body as object).sort()).toEqual(['error', 'message', 'statusCode']);
      }
      // Lists carry only C01's.
      const alerts = await api('/api/alerts', c01);
      expect((alerts.body as Alert[]).every((a) => a.owner === 'C01')).toBe(true);
      const devices = await api('/api/devices', c01);
      expect((devices.body as Array<{ id: string }>).map((d) => d.id)).toEqual(['T001', 'T002', 'T003']);
      const ranking = await api(`/api/scorecard?${PERIOD}`, c01);
      expect(ranking.body.companies.map((c: Json) => c.company)).toEqual(['C01']);
      expect(ranking.body.companies[0]).not.toHaveProperty('rank');
      const csv = await api(`/api/scorecard/C01/export?${PERIOD}`, c01);
      expect(csv.body).not.toMatch(/T004|T005/);
      // And the other way round.
      expect((await api(`/api/scorecard/C01?${PERIOD}`, c02)).status).toBe(404);
      expect((await api(`/api/scorecard/C02?${PERIOD}`, c02)).status).toBe(200);
    });

    it('over the live feed', async () => {
      const connect = (token: string) => gw.live(token).inbox;
      const op = connect(operator);
      const mine = connect(c01);
      await waitFor('both to connect', () => op.alerts.length === 1 && mine.alerts.length === 1);
      expect(mine.alerts[0].every((a) => a.owner === 'C01')).toBe(true);

      const theirs = await stage(
        { rule: 'truck.overspeed', kind: 'truck', owner: 'C02', device: 'T005' },
        'orange',
      );
      const ours = await stage(
        { rule: 'truck.overspeed', kind: 'truck', owner: 'C01', device: 'T001' },
        'orange',
      );
      const event = (id: string, owner: string): LiveRecord => ({
        t: 'device',
        device: { id, kind: 'truck', owner, online: false, ts: new Date(clock).toISOString() },
      });
      await gw.redis.xadd(n.live, '*', 'j', JSON.stringify(event('T004', 'C02')));
      await gw.redis.xadd(n.live, '*', 'j', JSON.stringify(event('T002', 'C01')));
      const ts = new Date(clock).toISOString();
      await gw.redis.publish(
        n.positionsChannel,
        JSON.stringify([
          { id: 'T004', owner: 'C02', lat: 22.7, lon: 114.2, speed: 10, heading: 0, ts },
          { id: 'T001', owner: 'C01', lat: 22.7, lon: 114.2, speed: 10, heading: 0, ts },
        ] satisfies Position[]),
      );
      /** Whether `inbox` got the alert `alert`, a device event of `device` and a position of `truck`. */
      const got = (inbox: Inbox, alert: string, device: string, truck: string) =>
        inbox.alert.some((a) => a.id === alert) &&
        inbox.device.some((d) => d.id === device) &&
        inbox.positions.flat().some((p) => p.id === truck);
      await waitFor('the operator to get everything', () => got(op, theirs.id, 'T004', 'T004'));
      // The stream is read in order: once c01 has its own events, the other company's would have come before.
      await waitFor('c01 to get its own', () => got(mine, ours.id, 'T002', 'T001'));
      expect(mine.alert.every((a) => a.owner === 'C01')).toBe(true);
      expect(mine.device.every((d) => d.owner === 'C01')).toBe(true);
      expect(mine.positions.flat().every((p) => p.owner === 'C01')).toBe(true);
    });
  });
});
