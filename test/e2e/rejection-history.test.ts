import type { MqttClient } from 'mqtt';
import type { Rejection, RejectionRecord } from '@lg/contracts';
import { Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import { connectDevice, connectLive, login, type LiveSocket } from './helpers';

interface Listing {
  rejections: RejectionRecord[];
  more: boolean;
}

/**
 * The refused messages kept per owner, end to end with the built ingest and gateway: bounded per owner,
 * each company sees only its own through `GET /api/rejections` and the `/live` event `rejection`, operators
 * see every owner's; the refusal echoes the reading's `ts` and the MQTT 5 correlation data.
 */
describe('rejection history, end to end', () => {
  let platform: Platform;
  let gateway: string;
  let c01: MqttClient;
  let c02: MqttClient;
  let p01: MqttClient;
  const tokens: Record<string, string> = {};
  const sockets: LiveSocket[] = [];
  const live: Record<string, RejectionRecord[]> = { c01: [], c02: [], operator: [] };
  const notices: Rejection[] = [];

  beforeAll(async () => {
    platform = await Platform.start({ apps: ['ingest', 'gateway'], env: { REJECTION_HISTORY_MAX: '20' } });
    gateway = platform.url('gateway');
    for (const user of ['c01', 'c02', 'operator']) {
      tokens[user] = await login(gateway, user, user);
      sockets.push(
        await connectLive(gateway, tokens[user], (s) => s.on('rejection', (r) => live[user].push(r))),
      );
    }
    c01 = await connectDevice(platform.services.mqttUrl, 'C01');
    c02 = await connectDevice(platform.services.mqttUrl, 'C02');
    p01 = await connectDevice(platform.services.mqttUrl, 'P01');
    c01.on('message', (_t, payload) => notices.push(JSON.parse(payload.toString()) as Rejection));
    await c01.subscribeAsync(`${platform.root}/_rejected/+/C01/#`, { qos: 1 });
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([c01, c02, p01].map((c) => c?.endAsync()));
    await platform?.stop();
  });

  const get = async <T>(user: string, path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${gateway}${path}`, { headers: { authorization: `Bearer ${tokens[user]}` } });
    return { status: res.status, body: (await res.json()) as T };
  };

  it('keeps each owner’s refusals, at most the cap, with time, device, reason, topic, excerpt and echo', async () => {
    const topic = (owner: string, kind: string, device: string) =>
      `${platform.root}/${kind}/${owner}/${device}/telemetry`;
    // 30 messages that are not JSON: more than C01's cap of 20.
    for (let i = 0; i < 30; i++)
      await c01.publishAsync(topic('C01', 'truck', 'T001'), `not json ${i}`, { qos: 1 });
    // A batch with one bad reading, with MQTT 5 correlation data: the refusal echoes its ts and the data.
    const ts = Date.now() - 5000;
    await c01.publishAsync(
      topic('C01', 'truck', 'T002'),
      JSON.stringify([
        { ts, lat: 22.7, lon: 114.2, speed: 10 },
        { ts: ts + 1000, lat: 22.7, lon: 114.2 },
      ]),
      { qos: 1, properties: { correlationData: Buffer.from('fwd-42') } },
    );
    await c02.publishAsync(topic('C02', 'truck', 'T004'), '{"ts": 1}', { qos: 1 });
    await p01.publishAsync(topic('P01', 'gas', 'G001'), '[', { qos: 1 });

    await waitFor('C01’s schema refusal in its history', async () => {
      const { body } = await get<Listing>('c01', '/api/rejections?reason=schema');
      return body.rejections.length === 1;
    });
    const { status, body } = await get<Listing>('c01', '/api/rejections?limit=1000');
    expect(status).toBe(200);
    expect(body.rejections).toHaveLength(20);
    expect(body.more).toBe(false);
    expect(new Set(body.rejections.map((r) => r.owner))).toEqual(new Set(['C01']));
    const schema = body.rejections[0];
    expect(schema).toMatchObject({
      owner: 'C01',
      device: 'T002',
      kind: 'truck',
      reason: 'schema',
      index: 1,
      ts: ts + 1000,
      correlationData: Buffer.from('fwd-42').toString('hex'),
      topic: topic('C01', 'truck', 'T002'),
    });
    expect(schema.message).toMatch(/speed/);
    expect(schema.excerpt.startsWith('[{"ts":')).toBe(true);
    expect(Date.parse(schema.receivedAt)).toBeGreaterThan(ts);
    // Newest first: the last of the 30 invalid messages comes next, the oldest ones are gone.
    expect(body.rejections[1]).toMatchObject({
      device: 'T001',
      reason: 'invalid_json',
      excerpt: 'not json 29',
    });
    expect(body.rejections.at(-1)?.excerpt).toBe('not json 11');

    // Counted per owner in ingest's metrics, all 31 (the history keeps the newest 20).
    const metrics = await (await fetch(`${platform.url('ingest')}/metrics`)).text();
    expect(metrics).toMatch(/lg_ingest_rejected_by_owner_total\{owner="C01"[^}]*\} 31\n/);

    // The MQTT notice echoes the same.
    await waitFor('the schema notice on _rejected', () => notices.some((n) => n.reason === 'schema'));
    expect(notices.find((n) => n.reason === 'schema')).toMatchObject({
      ts: ts + 1000,
      correlationData: Buffer.from('fwd-42').toString('hex'),
      index: 1,
    });

    // Filters.
    const t001 = await get<Listing>('c01', '/api/rejections?device=T001&limit=5');
    expect(t001.body.rejections.map((r) => r.excerpt)).toEqual(
      [29, 28, 27, 26, 25].map((i) => `not json ${i}`),
    );
    expect(t001.body.more).toBe(true);
    const summary = await get<{ total: number; byReason: object; byDevice: Array<{ device: string }> }>(
      'c01',
      '/api/rejections/summary',
    );
    expect(summary.body).toMatchObject({ total: 20, byReason: { invalid_json: 19, schema: 1 } });
    expect(summary.body.byDevice.map((d) => d.device)).toEqual(['T001', 'T002']);

    // Every refusal kept, all 31 (not only the history's newest 20), in InfluxDB's records policy for the
    // years handling records are kept: the 30 received within a few milliseconds each keep their point.
    const archived = async () =>
      platform.influxQuery(
        `SELECT device, reason, ts, correlation, entry FROM records.rejection WHERE owner = 'C01'`,
      );
    await waitFor('C01’s 31 refusals in InfluxDB', async () => (await archived()).length === 31);
    const rows = await archived();
    expect(rows.filter((r) => r.reason === 'invalid_json')).toHaveLength(30);
    expect(rows.find((r) => r.reason === 'schema')).toMatchObject({
      device: 'T002',
      ts: ts + 1000,
      correlation: Buffer.from('fwd-42').toString('hex'),
      entry: schema.id,
    });
  });

  it('shows a company nothing of another owner, through the API or /live; operators see every owner', async () => {
    await waitFor('C02’s and P01’s refusals for the operator', async () => {
      const { body } = await get<Listing>('operator', '/api/rejections?limit=1000');
      const owners = new Set(body.rejections.map((r) => r.owner));
      return owners.has('C02') && owners.has('P01');
    });
    const c02 = await get<Listing>('c02', '/api/rejections');
    expect(c02.body.rejections.map((r) => [r.owner, r.device, r.reason])).toEqual([
      ['C02', 'T004', 'schema'],
    ]);
    expect((await get('c01', '/api/rejections?owner=C02')).status).toBe(403);
    expect((await get('c01', '/api/rejections/summary?owner=P01')).status).toBe(403);
    const onlyC02 = await get<Listing>('operator', '/api/rejections?owner=C02');
    expect(onlyC02.body.rejections.map((r) => r.owner)).toEqual(['C02']);
    expect((await get('operator', '/api/rejections?reason=bogus')).status).toBe(400);
    expect((await get('operator', '/api/rejections?limit=0')).status).toBe(400);

    await waitFor('every refusal on the operator’s /live', () => live.operator.length === 33);
    await waitFor('C02’s refusal on its /live', () => live.c02.length === 1);
    expect(new Set(live.c01.map((r) => r.owner))).toEqual(new Set(['C01']));
    expect(live.c01).toHaveLength(31);
    expect(live.c02.map((r) => r.owner)).toEqual(['C02']);
    expect(new Set(live.operator.map((r) => r.owner))).toEqual(new Set(['C01', 'C02', 'P01']));
  });

  it('tries a message with ingest’s own validation, storing, keeping and publishing nothing', async () => {
    const before = await get<Listing>('c01', '/api/rejections?limit=1');
    const post = async (user: string, body: unknown) => {
      const res = await fetch(`${gateway}/api/messages/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[user]}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const ts = Date.now() - 60_000;
    const tried = await post('c01', {
      topic: `${platform.root}/truck/C01/T003/telemetry`,
      payload: JSON.stringify([
        { ts, lat: 22.7, lon: 114.2, speed: 10 },
        { ts: ts + 1000, lat: 22.7, lon: 114.2, speed: 250 },
        { ts: ts + 2000, lat: 22.7 },
      ]),
    });
    expect(tried).toEqual({
      status: 200,
      body: {
        verdict: 'partly',
        stored: [
          { ts: new Date(ts).toISOString(), quality: 'ok' },
          { ts: new Date(ts + 1000).toISOString(), quality: 'bad', why: [expect.stringMatching(/speed/)] },
        ],
        refused: [{ reason: 'schema', message: expect.stringMatching(/lon|speed/), index: 2 }],
      },
    });
    expect(
      (await post('operator', { topic: `${platform.root}/truck/C01/T999/telemetry`, payload: '{}' })).body,
    ).toMatchObject({
      verdict: 'refused',
      refused: [{ reason: 'unknown_device' }],
    });
    expect(
      (await post('c01', { topic: `${platform.root}/truck/C02/T004/telemetry`, payload: '{}' })).status,
    ).toBe(403);
    expect((await post('c01', { topic: 'x' })).status).toBe(400);
    // Nothing of it kept or stored.
    const after = await get<Listing>('c01', '/api/rejections?limit=1');
    expect(after.body.rejections[0].id).toBe(before.body.rejections[0].id);
    expect(await platform.influxQuery(`SELECT count(rx) FROM raw_truck.truck WHERE device = 'T003'`)).toEqual(
      [],
    );
  });
});
