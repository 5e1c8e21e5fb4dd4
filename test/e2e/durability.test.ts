import { waitFor } from '@lg/services';
import { useOperatorStand } from './helpers';

/**
 * Nothing the broker acknowledged is lost when ingest is killed with SIGKILL mid-stream: every uniquely
 * numbered reading ends up in InfluxDB exactly once, and a reading published while ingest was down still
 * reaches the rules once it is back.
 */
describe('kill -9 of ingest under load', () => {
  const stand = useOperatorStand({}, ['C01', 'P01']);

  it('stores every acknowledged reading exactly once and evaluates what came while it was down', async () => {
    const { platform, live: operator } = stand;
    const publisher = stand.owner('C01');
    const gasPublisher = stand.owner('P01');
    const trucks = ['T001', 'T002', 'T003'];
    const total = 3000;
    const base = Date.now() - total * 10;
    const window = 100;
    let acked = 0;
    let killed = false;
    for (let i = 0; i < total; i += window) {
      await Promise.all(
        Array.from({ length: Math.min(window, total - i) }, (_, k) => {
          const n = i + k;
          const truck = trucks[n % trucks.length];
          const reading = {
            ts: base + n * 10,
            lat: 22.7 + n * 1e-5,
            lon: 114.2,
            speed: 40 + (n % 20),
            heading: 90,
            sats: n % 30,
          };
          return publisher.publishAsync(
            `${platform.root}/truck/C01/${truck}/telemetry`,
            JSON.stringify(reading),
            { qos: 1 },
          );
        }),
      );
      acked += Math.min(window, total - i);
      if (!killed && acked >= 1000) {
        killed = true;
        await platform.kill('ingest');
        // While ingest is down, a gas leak: the broker holds it for ingest's persistent session.
        await gasPublisher.publishAsync(
          `${platform.root}/gas/P01/G001/telemetry`,
          JSON.stringify({ ts: Date.now(), lel: 55 }),
          {
            qos: 1,
          },
        );
      }
    }
    expect(acked).toBe(total);
    await platform.restart('ingest', 'ingest');

    await waitFor(
      `all ${total} readings in InfluxDB`,
      async () => {
        const rows = await platform.influxQuery(
          `SELECT count(speed) FROM raw_truck.truck WHERE time >= ${base}ms GROUP BY device`,
        );
        return rows.reduce((sum, r) => sum + Number(r.count), 0) === total;
      },
      60_000,
      250,
    );
    const perTruck = await platform.influxQuery(
      `SELECT count(speed) FROM raw_truck.truck WHERE time >= ${base}ms GROUP BY device`,
    );
    expect(perTruck.map((r) => Number(r.count))).toEqual([1000, 1000, 1000]);

    const alert = await operator.waitForAlert(
      (a) => a.device === 'G001' && a.rule === 'gas.lel',
      'the alert of the leak published while ingest was down',
      30_000,
    );
    expect(alert.severity).toBe('red');
  });
});
