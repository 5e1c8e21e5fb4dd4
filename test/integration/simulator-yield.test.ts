import { randomBytes } from 'node:crypto';
import { parseDeviceTopic, SIMULATOR_CONTROL_USERS, yieldTopic } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { waitFor } from '@lg/services';
import { DeviceClient } from '../../simulators/src/device-client';
import { simulateDevices } from '../../simulators/src/devices';
import { Fleet, telemetryTopic } from '../../simulators/src/fleet';
import { fleetRoutes } from '../../simulators/src/models/routes';
import { FleetYield, ScenarioYield } from '../../simulators/src/yield';
import { useObservedServices } from './services-stand';

/**
 * The demo fleet hands a device over to a scenario run and takes it back, on a real Mosquitto with the
 * demo's control identities: the fleet's readings of the device stop while the run holds it (the run
 * drives it as the device itself), resume when the run ends, and resume when a killed run's lease runs out.
 */
describe('the demo fleet yields devices to scenario runs', () => {
  const registry = Registry.load('config/registry/longgang.json');
  const root = `lgyield-${randomBytes(3).toString('hex')}/v1`;
  const passwordOf = (u: string): string => u;
  const telemetry = new Map<string, number>();
  const count = (id: string): number => telemetry.get(id) ?? 0;
  const stand = useObservedServices({
    label: 'lg-yield-',
    registry,
    root,
    simulators: {
      fleet: { username: SIMULATOR_CONTROL_USERS.fleet, password: SIMULATOR_CONTROL_USERS.fleet },
      scenario: { username: SIMULATOR_CONTROL_USERS.scenario, password: SIMULATOR_CONTROL_USERS.scenario },
    },
    filter: `${root}/+/+/+/telemetry`,
    clientId: 'yield-observer',
    onMessage: (topic) => {
      const parsed = parseDeviceTopic(root, topic);
      if (parsed.ok && parsed.topic.channel === 'telemetry')
        telemetry.set(parsed.topic.device, count(parsed.topic.device) + 1);
    },
  });

  it('stops the fleet’s readings of a device while a run holds it, and resumes after, even after a kill', async () => {
    const [held, other] = [registry.device('T012')!, registry.device('T001')!];
    const fleet = await Fleet.start({
      url: stand.services.mqttUrl,
      root,
      devices: simulateDevices([held, other], 1, fleetRoutes(registry.corridors())),
      passwordOf,
      // A truck's 30 s interval becomes 0.5 s.
      speedup: 60,
      stagger: false,
    });
    const lines: string[] = [];
    const control = await FleetYield.start([fleet], {
      url: stand.services.mqttUrl,
      root,
      passwordOf,
      log: (l) => lines.push(l),
    });
    /** The fleet's readings of `held` do not move while `other` reports `n` more times. */
    const heldStill = async (n: number): Promise<void> => {
      const [h, o] = [count(held.id), count(other.id)];
      await waitFor(`${n} more readings of ${other.id}`, () => count(other.id) >= o + n, 10_000, 50);
      expect(count(held.id)).toBe(h);
    };
    try {
      await waitFor('readings of both trucks', () => count(held.id) > 2 && count(other.id) > 2, 10_000, 50);

      // A run takes T012 and drives it as T012 itself.
      const run = await ScenarioYield.announce([held.id, 'G001'], {
        url: stand.services.mqttUrl,
        root,
        passwordOf,
        leaseSec: 3,
      });
      expect(run?.handed).toEqual([held.id]);
      expect(fleet.isYielded(held.id)).toBe(true);
      const driver = await DeviceClient.connect({
        url: stand.services.mqttUrl,
        clientId: held.id,
        username: held.id,
        password: held.id,
        reconnectPeriodMs: 0,
      });
      const before = count(held.id);
      const ack = await driver.publish(
        telemetryTopic(root, held),
        JSON.stringify({ ts: Date.now(), lat: 22.7, lon: 114.25, speed: 70 }),
      );
      expect(ack.accepted).toBe(true);
      await waitFor('the run’s reading', () => count(held.id) === before + 1, 5000, 20);
      // Longer than the lease: renewals keep it, and the fleet does not take the device back meanwhile.
      await heldStill(8);
      expect(driver.connected).toBe(true);
      await driver.close();

      // The run ends: the fleet takes the device back at once.
      await run!.control.release();
      await waitFor('the fleet’s readings of T012 again', () => count(held.id) > before + 3, 5000, 20);
      expect(fleet.isYielded(held.id)).toBe(false);

      // A run killed while it holds the device: the lease (3 s) runs out and the fleet takes it back.
      const killed = await ScenarioYield.announce([held.id], {
        url: stand.services.mqttUrl,
        root,
        passwordOf,
        leaseSec: 3,
      });
      expect(killed?.handed).toEqual([held.id]);
      await killed!.control.abandon();
      await heldStill(3);
      const atKill = count(held.id);
      await waitFor('the fleet’s readings after the lease ran out', () => count(held.id) > atKill, 8000, 50);
      expect(lines.some((l) => l.startsWith('took 1 devices back'))).toBe(true);
    } finally {
      await control.stop();
      await fleet.stop();
    }
    const stats = fleet.stats();
    expect(stats.refused + stats.failed).toBe(0);
  });

  it('lets no device or company identity announce, and a run without a listening fleet goes on alone', async () => {
    for (const identity of ['C01', 'T001']) {
      const c = await DeviceClient.connect({
        url: stand.services.mqttUrl,
        clientId: identity,
        username: identity,
        password: identity,
        reconnectPeriodMs: 0,
      });
      const ack = await c.publish(yieldTopic(root, 'x'), JSON.stringify({ devices: ['T002'] }), {
        retain: true,
        expirySec: 30,
      });
      expect(ack.reasonCode).toBe(0x87);
      await c.close();
    }
    // No fleet listens now (the first test's stopped): nothing to wait for.
    const alone = await ScenarioYield.announce(['T012'], { url: stand.services.mqttUrl, root, passwordOf });
    expect(alone?.handed).toEqual([]);
    await alone!.control.release();
    // Not the demo: a broker without the control identity, nothing announced.
    const none = await ScenarioYield.announce(['T012'], {
      url: stand.services.mqttUrl,
      root,
      passwordOf: () => 'wrong-password',
    });
    expect(none).toBeUndefined();
  });
});
