import type { Rejection } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { usePlatformStand } from './helpers';

/**
 * The per-device rate limit at ingest, on real services with the built ingest process: past its bucket, a
 * flooding truck's message is acknowledged, refused and reported on `{root}/_rejected/...` with
 * `rate_limited` (and counted), nothing of it is stored, what was taken before is stored in full, and the
 * company's other trucks are not affected. A flooding gas detector still gets its highest reading through.
 */
describe('per-device rate limit at ingest, end to end', () => {
  /** Rejection notices, with the `_rejected` topic each came on. */
  const rejections: Array<Rejection & { on: string }> = [];
  // One reading a second after a bucket of one full batch: small enough to meet in a test.
  const stand = usePlatformStand(
    { apps: ['ingest'], env: { INGEST_DEVICE_RATE: '1', INGEST_DEVICE_BURST: '1000' } },
    async (s) => {
      for (const owner of ['C02', 'P01']) {
        const client = await s.connect(owner);
        client.on('message', (topic, payload) =>
          rejections.push({ ...(JSON.parse(payload.toString()) as Rejection), on: topic }),
        );
        await client.subscribeAsync(`${s.platform.root}/_rejected/+/${owner}/#`, { qos: 1 });
      }
    },
  );

  const count = async (measurement: string, device: string, where = '') => {
    const rows = await stand.platform.influxQuery(
      `SELECT count(rx) FROM raw_${measurement}.${measurement} WHERE device = '${device}'${where ? ` AND ${where}` : ''}`,
    );
    return Number(rows[0]?.count ?? 0);
  };

  it('refuses and reports a flooding truck’s excess, stores what it took, and leaves other trucks alone', async () => {
    const { platform } = stand;
    const company = stand.owner('C02');
    const base = Date.now() - 3_600_000;
    const fixes = (from: number, n: number) =>
      JSON.stringify(
        Array.from({ length: n }, (_, i) => ({ ts: from + i * 1000, lat: 22.7, lon: 114.3, speed: 10 })),
      );
    const topic = (truck: string) => `${platform.root}/truck/C02/${truck}/telemetry`;
    // A backlog of one full batch takes the whole bucket; the next batch comes too soon. Both are
    // acknowledged by the broker (publishAsync resolves on PUBACK): the second is refused, not lost.
    await company.publishAsync(topic('T005'), fixes(base, 1000), { qos: 1 });
    await company.publishAsync(topic('T005'), fixes(base + 2_000_000, 50), { qos: 1 });
    await company.publishAsync(topic('T004'), fixes(base, 10), { qos: 1 });

    await waitFor('the rate_limited rejection of T005', () =>
      rejections.some((r) => r.reason === 'rate_limited'),
    );
    const refused = rejections.filter((r) => r.reason === 'rate_limited');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      on: `${platform.root}/_rejected/truck/C02/T005`,
      topic: topic('T005'),
      reason: 'rate_limited',
    });
    expect(refused[0].message).toMatch(
      /^device T005 is over its rate limit of 1 readings\/s \(burst 1000\): this message( of 50 readings)? is refused; retry in \d+ s$/,
    );

    // T004's batch was published after the refused one, on the same connection: once it is stored, the
    // refused readings would have been too.
    await waitFor('T004’s readings and T005’s first batch in InfluxDB', async () => {
      return (await count('truck', 'T004')) === 10 && (await count('truck', 'T005')) === 1000;
    });
    expect(await count('truck', 'T005', `time >= ${base + 2_000_000}ms`)).toBe(0);

    const metrics = await (await fetch(`${platform.url('ingest')}/metrics`)).text();
    expect(metrics).toMatch(/lg_ingest_rejected_total\{reason="rate_limited",kind="truck"[^}]*\} 1\n/);
    expect(metrics).toMatch(/lg_ingest_readings_total\{kind="truck",quality="ok"[^}]*\} 1010\n/);
  });

  it('lets a flooding gas detector’s highest reading through, so that its alarm is not lost', async () => {
    const { platform } = stand;
    const pipelines = stand.owner('P01');
    const base = Date.now() - 3_600_000;
    const topic = `${platform.root}/gas/P01/G001/telemetry`;
    const low = Array.from({ length: 1000 }, (_, i) => ({ ts: base + i * 1000, lel: 1 }));
    await pipelines.publishAsync(topic, JSON.stringify(low), { qos: 1 });
    const leak = base + 2_000_000;
    await pipelines.publishAsync(
      topic,
      JSON.stringify([
        { ts: leak, lel: 3 },
        { ts: leak + 1000, lel: 62 },
      ]),
      { qos: 1 },
    );
    await waitFor('the rejection of G001’s second message', () =>
      rejections.some((r) => r.reason === 'rate_limited' && r.on.endsWith('/G001')),
    );
    expect(rejections.find((r) => r.on.endsWith('/G001'))?.message).toMatch(
      /but its highest reading \(62 % LEL at .+\) is kept so that no gas alarm is lost/,
    );
    await waitFor('the 62 % LEL reading in InfluxDB', async () => {
      const rows = await platform.influxQuery(
        `SELECT lel FROM raw_gas.gas WHERE device = 'G001' AND time >= ${leak}ms`,
      );
      return rows.length === 1 && rows[0].lel === 62 && rows[0].time === leak + 1000;
    });
    expect(await count('gas', 'G001')).toBe(1001);
  });
});
