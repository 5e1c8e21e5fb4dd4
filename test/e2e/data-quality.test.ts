import { waitFor } from '@lg/services';
import type { TruckDataQuality } from '@lg/contracts';
import { usePlatformStand } from './helpers';

/**
 * Data quality per truck (`GET /api/quality/{companyId}`), end to end with the built ingest and gateway:
 * a company's platform sends a truck's readings with a gap, an unpositioned fix and event times minutes
 * behind their arrival; the API reads them back from InfluxDB as interval, regularity, gaps, share
 * unqualified and clock skew. A company sees its own company only.
 */
describe('data quality per truck, end to end', () => {
  const tokens: Record<string, string> = {};
  const stand = usePlatformStand({ apps: ['ingest', 'gateway'] }, async (s) => {
    for (const user of ['c01', 'c02', 'operator']) tokens[user] = await s.login(user);
  });

  const get = async <T>(user: string, path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${stand.gateway}${path}`, {
      headers: { authorization: `Bearer ${tokens[user]}` },
    });
    return { status: res.status, body: (await res.json()) as T };
  };

  it("measures a truck's interval, gaps, unqualified share and clock skew from what was stored", async () => {
    const { platform } = stand;
    const c01 = await stand.connect('C01');
    // T001 reports every 10 s (registry). Eleven readings 10 s apart, a silence of 60 s after the sixth,
    // the eighth without a position fix; all stamped 5 minutes before they are sent.
    const sentAt = Date.now();
    const base = Math.floor((sentAt - 300_000 - 160_000) / 1000) * 1000;
    const offsets = [0, 10, 20, 30, 40, 50, 110, 120, 130, 140, 150];
    const readings = offsets.map((s, i) => ({
      ts: base + s * 1000,
      lat: 22.72 + i * 0.0005,
      lon: 114.24,
      speed: 40,
      ...(i === 7 ? { fix: false } : {}),
    }));
    await c01.publishAsync(`${platform.root}/truck/C01/T001/telemetry`, JSON.stringify(readings), {
      qos: 1,
    });

    let t001: TruckDataQuality | undefined;
    await waitFor(
      'the eleven records in the data quality of C01',
      async () => {
        const { body } = await get<{ trucks: TruckDataQuality[] }>(
          'c01',
          '/api/quality/C01?from=' + (base - 1000),
        );
        t001 = body.trucks.find((t) => t.truck === 'T001');
        return t001?.records === 11;
      },
      15_000,
      250,
    );
    const receivedBy = Date.now();
    expect(t001).toMatchObject({
      expectedIntervalSec: 10,
      records: 11,
      unqualified: 1,
      medianIntervalSec: 10,
      // 10 intervals: nine of 10 s, one of 60 s.
      regularity: 0.9,
      // The 60 s silence and the one since the last record (over 5 minutes) are both gaps.
      gaps: 2,
      lastTs: new Date(base + 150_000).toISOString(),
    });
    expect(t001!.unqualifiedShare).toBeCloseTo(1 / 11, 6);
    expect(t001!.longestGapSec).toBeGreaterThanOrEqual(300);
    // Arrival − event time: between the send and the check, minus the readings' own times.
    expect(t001!.medianSkewMs).toBeGreaterThanOrEqual(sentAt - (base + 50_000));
    expect(t001!.medianSkewMs).toBeLessThanOrEqual(receivedBy - (base + 50_000));
    expect(t001!.maxAbsSkewMs).toBeGreaterThanOrEqual(sentAt - base);

    // Every truck of C01 is listed, the silent ones with nothing to say, worst first.
    const { body } = await get<{ trucks: TruckDataQuality[] }>('operator', '/api/quality/C01');
    expect(body.trucks.length).toBe(
      platform.registry.allDevices().filter((d) => d.kind === 'truck' && d.owner === 'C01').length,
    );
    expect(
      body.trucks.filter((t) => t.truck !== 'T001').every((t) => t.records === 0 && t.lastTs === null),
    ).toBe(true);
  });

  it("answers another company's data quality as not found, and a bad period by name", async () => {
    expect((await get('c02', '/api/quality/C01')).status).toBe(404);
    expect((await get('c01', '/api/quality/C99')).status).toBe(404);
    expect((await get('operator', '/api/quality/C99')).status).toBe(404);
    const long = await get<{ message: string }>(
      'operator',
      `/api/quality/C01?from=${Date.now() - 25 * 3_600_000}`,
    );
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toContain('24 hours');
    const factor = await get<{ message: string }>('operator', '/api/quality/C01?gapFactor=0');
    expect(factor.status).toBe(400);
    expect(JSON.stringify(factor.body)).toContain('gapFactor');
  });
});
