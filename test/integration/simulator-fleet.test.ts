import { randomBytes } from 'node:crypto';
import { parseDeviceTopic } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { waitFor } from '@lg/services';
import { simulateDevices } from '../../simulators/src/devices';
import { Fleet, OFFLINE, ONLINE } from '../../simulators/src/fleet';
import { fleetRoutes } from '../../simulators/src/models/routes';
import { useObservedServices } from './services-stand';

/**
 * The demo fleet at district scale on a real Mosquitto: every device of the registry (~500) on its own
 * connection with its own client ID and credentials, connected at a paced rate, each reporting on its own
 * topic, each leaving a retained `{"online": false}` when the fleet stops.
 */
describe('the whole district fleet against a real Mosquitto', () => {
  const registry = Registry.load('config/registry/longgang.json');
  const root = `lgfleet-${randomBytes(3).toString('hex')}/v1`;
  const telemetry = new Map<string, number>();
  const status = new Map<string, string>();
  const stand = useObservedServices({
    label: 'lg-fleet-',
    registry,
    root,
    onMessage: (topic, payload) => {
      const parsed = parseDeviceTopic(root, topic);
      if (!parsed.ok) return;
      const id = parsed.topic.device;
      if (parsed.topic.channel === 'telemetry') telemetry.set(id, (telemetry.get(id) ?? 0) + 1);
      else status.set(id, payload.toString());
    },
  });

  it('connects every device as itself, hears from each on its own topic, and leaves them offline', async () => {
    const devices = registry.allDevices();
    expect(devices.length).toBeGreaterThan(450);
    let connected = 0;
    const fleet = await Fleet.start({
      url: stand.services.mqttUrl,
      root,
      devices: simulateDevices(devices, 1, fleetRoutes(registry.corridors())),
      passwordOf: (u) => u,
      // Every device reports within a few seconds (a 60 s interval becomes 2 s).
      speedup: 30,
      onConnected: (n) => (connected = n),
    });
    try {
      expect(connected).toBe(devices.length);
      expect(fleet.stats()).toMatchObject({ devices: devices.length, connected: devices.length });
      await waitFor(
        'a reading from every device',
        () => devices.every((d) => (telemetry.get(d.id) ?? 0) > 0),
        30_000,
        200,
      );
      expect(devices.every((d) => status.get(d.id) === ONLINE)).toBe(true);
    } finally {
      await fleet.stop();
    }
    const stats = fleet.stats();
    expect(stats.refused + stats.failed).toBe(0);
    expect(stats.accepted).toBe(stats.published);
    await waitFor(
      'every device offline',
      () => devices.every((d) => status.get(d.id) === OFFLINE),
      15_000,
      200,
    );
  });
});
