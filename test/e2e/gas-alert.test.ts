import { waitFor } from '@lg/services';
import type { Alert, Rejection } from '@lg/contracts';
import { useOperatorStand } from './helpers';

/**
 * The foundation's promise, end to end on real services and the built apps as processes: a 60 % LEL
 * reading published over MQTT becomes a red gas.lel alert on the operator's Socket.IO feed, the reading is
 * in InfluxDB and the alert in the REST API; bad payloads are refused with their reason and ingest goes on.
 */
describe('gas leak, end to end', () => {
  const stand = useOperatorStand({}, ['P01']);

  it('turns a 60% LEL reading into a red gas.lel alert on /live, in InfluxDB and in GET /api/alerts', async () => {
    const { platform, gateway, token, live: operator } = stand;
    const device = stand.owner('P01');
    const ts = Date.now();
    await device.publishAsync(
      `${platform.root}/gas/P01/G001/telemetry`,
      JSON.stringify({ ts, lel: 60, gas: 'CH4' }),
      {
        qos: 1,
      },
    );
    const alert = await operator.waitForAlert(
      (a) => a.rule === 'gas.lel' && a.device === 'G001',
      'the gas.lel alert on /live',
    );
    expect(alert).toMatchObject({
      rule: 'gas.lel',
      severity: 'red',
      active: true,
      acknowledged: false,
      kind: 'gas',
      owner: 'P01',
      device: 'G001',
      value: 60,
      threshold: 50,
      openedAt: new Date(ts).toISOString(),
    });
    expect(alert.escalation.level).toBe('grid');
    expect(alert.escalation.notify.length).toBeGreaterThan(0);

    await waitFor('the reading in InfluxDB', async () => {
      const rows = await platform.influxQuery(`SELECT lel, q FROM raw_gas.gas WHERE device = 'G001'`);
      return rows.some((r) => r.time === ts && r.lel === 60 && r.q === 'ok');
    });
    // Ingest created the retention policies at start-up and exports their size figures.
    const storage = await (await fetch(`${platform.url('ingest')}/metrics`)).text();
    for (const rp of ['raw_truck', 'raw_slope', 'raw_gas', 'records', 'agg_1m', 'agg_1h']) {
      expect(storage).toMatch(new RegExp(`lg_influx_shards\\{rp="${rp}"[^}]*\\} \\d+\\n`));
      expect(storage).toMatch(new RegExp(`lg_influx_disk_bytes\\{rp="${rp}"[^}]*\\} \\d+\\n`));
    }
    expect(storage).toMatch(/lg_influx_series(\{[^}]*\})? \d+\n/);

    const res = await fetch(`${gateway}/api/alerts?active=true`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const alerts = (await res.json()) as Alert[];
    expect(alerts.map((a) => a.id)).toContain(alert.id);
  });

  it('refuses bad payloads with their reason code, keeps the good readings of a batch, and keeps serving', async () => {
    const { platform, live: operator } = stand;
    const device = stand.owner('P01');
    const rejections: Rejection[] = [];
    device.on('message', (_topic, payload) => rejections.push(JSON.parse(payload.toString()) as Rejection));
    await device.subscribeAsync(`${platform.root}/_rejected/+/P01/#`, { qos: 1 });
    const topic = `${platform.root}/gas/P01/G002/telemetry`;
    const now = Date.now();
    await device.publishAsync(topic, 'not json {', { qos: 1 });
    await device.publishAsync(topic, JSON.stringify({ ts: now, lel: 'high' }), { qos: 1 });
    // A device P01 does not have, and another tenant's device: the broker's ACL names P01's devices, so
    // both are refused there (0x87) and never reach ingest.
    for (const other of ['G999', 'T001']) {
      await expect(
        device.publishAsync(
          `${platform.root}/gas/P01/${other}/telemetry`,
          JSON.stringify({ ts: now, lel: 1 }),
          {
            qos: 1,
          },
        ),
      ).rejects.toMatchObject({ code: 0x87 });
    }
    await device.publishAsync(topic, Buffer.alloc(300 * 1024, 0x20), { qos: 1 });
    const huge = Array.from({ length: 1001 }, (_, i) => ({ ts: now + i, lel: 1 }));
    await device.publishAsync(topic, JSON.stringify(huge), { qos: 1 });
    const mixed = [
      { ts: now - 2000, lel: 1.5 },
      { ts: now - 1000, lel: 'NaN' },
      { ts: now, lel: 2.5 },
    ];
    await device.publishAsync(topic, JSON.stringify(mixed), { qos: 1 });

    const expected = ['invalid_json', 'schema', 'too_large', 'batch_too_large', 'schema'];
    await waitFor('a rejection for every bad payload', () => rejections.length >= expected.length);
    expect(rejections.map((r) => r.reason).sort()).toEqual([...expected].sort());
    expect(rejections.find((r) => r.index === 1)?.message).toMatch(/lel must be a finite number/);

    await waitFor('the good readings of the mixed batch in InfluxDB', async () => {
      const rows = await platform.influxQuery(`SELECT lel FROM raw_gas.gas WHERE device = 'G002'`);
      const times = rows.map((r) => r.time);
      return times.includes(now - 2000) && times.includes(now) && !times.includes(now - 1000);
    });

    const metrics = await (await fetch(`${platform.url('ingest')}/metrics`)).text();
    for (const reason of new Set(expected))
      expect(metrics).toMatch(new RegExp(`lg_ingest_rejected_total\\{[^}]*reason="${reason}"`));

    // Still serving: a new leak on another detector still alerts.
    await device.publishAsync(topic, JSON.stringify({ ts: Date.now(), lel: 30 }), { qos: 1 });
    const orange = await operator.waitForAlert(
      (a) => a.device === 'G002',
      'an orange alert after the bad input',
    );
    expect(orange.severity).toBe('orange');
    expect((await fetch(`${platform.url('ingest')}/health`)).status).toBe(200);
  });
});
