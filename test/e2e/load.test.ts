import { expectStoredAsAcked, usePlatformStand } from './helpers';
import { runLoad } from '../../simulators/src/load/load';
import { fleetRoutes } from '../../simulators/src/models/routes';

/**
 * The simulator's load mode against the whole platform: 50 registry devices (trucks, slope sensors, gas
 * detectors) over one connection per owner, a few hundred readings per second for 10 s at QoS 1. Every
 * reading is identified by (device, ts), so what InfluxDB holds can be compared with what the broker
 * acknowledged: the same set, exactly — nothing lost, nothing twice. (Throughput is measured by the
 * benchmark, not asserted here.)
 */
describe('load mode, end to end', () => {
  const stand = usePlatformStand();

  it('stores exactly the readings the broker acknowledged', async () => {
    const { platform } = stand;
    const all = platform.registry.allDevices();
    const devices = [
      ...all.filter((d) => d.kind === 'truck').slice(0, 30),
      ...all.filter((d) => d.kind === 'slope').slice(0, 10),
      ...all.filter((d) => d.kind === 'gas').slice(0, 10),
    ];
    const { summary, acked } = await runLoad({
      url: platform.services.mqttUrl,
      root: platform.root,
      devices,
      rate: 300,
      durationMs: 10_000,
      qos: 1,
      passwordOf: (u) => u,
      routes: fleetRoutes(platform.registry.corridors()),
      record: true,
    });
    expect(summary).toMatchObject({
      devices: 50,
      failed: 0,
      refused: 0,
      unacknowledged: 0,
      noSubscribers: 0,
    });
    expect(summary.connections).toBe(new Set(devices.map((d) => d.owner)).size);
    expect(summary.acked).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThan(2000);

    await expectStoredAsAcked(acked, summary.acked, async () => {
      const rows = [
        ...(await platform.influxQuery('SELECT "device", "lat" FROM raw_truck.truck')),
        ...(await platform.influxQuery('SELECT "device", "disp" FROM raw_slope.slope')),
        ...(await platform.influxQuery('SELECT "device", "lel" FROM raw_gas.gas')),
      ];
      return rows.map((r) => `${String(r.device)}@${Number(r.time)}`);
    });
  });
});
