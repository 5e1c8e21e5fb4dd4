import { randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { parseDeviceTopic, parseStatus, parseTelemetry } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { waitFor } from '@lg/services';
import { DeviceClient } from '../../simulators/src/device-client';
import { simulateDevices } from '../../simulators/src/devices';
import { Fleet, OFFLINE, statusTopic, telemetryTopic } from '../../simulators/src/fleet';
import { publishOnce } from '../../simulators/src/one-shot';
import { connectObserver, useObservedServices } from './services-stand';

interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** An observer connection that records everything under a filter. */
async function observe(
  url: string,
  filter: string,
  clientId: string,
): Promise<{ client: MqttClient; got: Received[] }> {
  const got: Received[] = [];
  const client = await connectObserver(url, filter, clientId, (topic, payload, packet) =>
    got.push({ topic, payload, retain: packet.retain }),
  );
  return { client, got };
}

describe('device simulator against a real Mosquitto', () => {
  const registry = Registry.load('config/registry/longgang.json');
  // Each run its own topic root, as if tenants shared the broker.
  const root = `lgtest-${randomBytes(3).toString('hex')}/v1`;
  /** Everything the suite's observer read under the root. */
  const observed: Received[] = [];
  const stand = useObservedServices({
    label: 'lg-sim-',
    registry,
    root,
    onMessage: (topic, payload, packet) => observed.push({ topic, payload, retain: packet.retain }),
  });

  it('runs devices that publish contract-valid telemetry on their own topics, and go offline cleanly', async () => {
    const picked = ['T001', 'SL-S01-1', 'G001'].map((id) => registry.device(id)!);
    const fleet = await Fleet.start({
      url: stand.services.mqttUrl,
      root,
      devices: simulateDevices(picked),
      passwordOf: (u) => u,
      // Truck every 100 ms, gas every 300 ms, slope every 600 ms.
      speedup: 100,
      stagger: false,
    });
    try {
      const telemetryOf = (id: string): Received[] =>
        observed.filter((m) => m.topic === telemetryTopic(root, registry.device(id)!));
      await waitFor(
        'three readings from each device',
        () => picked.every((d) => telemetryOf(d.id).length >= 3),
        15_000,
      );
      for (const d of picked) {
        // Retained online status published on connect.
        const status = observed.find((m) => m.topic === statusTopic(root, d));
        expect(status && parseStatus(status.payload)).toEqual({ ok: true, online: true });
        for (const m of telemetryOf(d.id)) {
          expect(parseDeviceTopic(root, m.topic)).toEqual({
            ok: true,
            topic: { kind: d.kind, owner: d.owner, device: d.id, channel: 'telemetry' },
          });
          const parsed = parseTelemetry(d.kind, m.payload, { now: Date.now(), futureToleranceMs: 1000 });
          expect(parsed.errors).toEqual([]);
          expect(parsed.readings).toHaveLength(1);
          expect(parsed.readings[0].bad).toEqual([]);
        }
      }
      const truck = JSON.parse(telemetryOf('T001')[0].payload.toString()) as Record<string, unknown>;
      expect(Object.keys(truck).sort()).toEqual(
        ['alarm', 'alt', 'driver', 'heading', 'ignition', 'lat', 'lon', 'sats', 'speed', 'ts'].sort(),
      );
      expect(truck.lat).toBeGreaterThan(22.55);
      expect(truck.lat).toBeLessThan(22.85);
      expect(truck.lon).toBeGreaterThan(114.0);
      expect(truck.lon).toBeLessThan(114.45);
      const gas = JSON.parse(telemetryOf('G001')[0].payload.toString()) as Record<string, number>;
      expect(gas).toEqual({
        ts: expect.any(Number),
        lel: expect.any(Number),
        gas: 'CH4',
        ma: expect.any(Number),
        battery: expect.any(Number),
      });
      expect(gas.ma).toBeCloseTo(4 + (gas.lel / 100) * 16, 2);
      const slope = JSON.parse(telemetryOf('SL-S01-1')[0].payload.toString()) as Record<string, number>;
      expect(Object.keys(slope).sort()).toEqual(['battery', 'disp', 'rain', 'tilt', 'ts']);
    } finally {
      await fleet.stop();
    }
    const stats = fleet.stats();
    expect(stats.refused + stats.failed).toBe(0);
    expect(stats.accepted).toBe(stats.published);

    // A clean stop publishes {"online": false} and disconnects, so the retained status is offline for all.
    const late = await observe(stand.services.internalMqttUrl, `${root}/+/+/+/status`, 'observer-2');
    try {
      await waitFor('retained status of the three devices', () => late.got.length >= 3, 5000);
      for (const d of picked) {
        const m = late.got.find((r) => r.topic === statusTopic(root, d));
        expect(m?.retain).toBe(true);
        expect(m && parseStatus(m.payload)).toEqual({ ok: true, online: false });
      }
    } finally {
      await late.client.endAsync();
    }
  });

  it('has the broker refuse a device that publishes outside its own topic (PUBACK 0x87), keeping it connected', async () => {
    const t001 = registry.device('T001')!;
    const client = await DeviceClient.connect({
      url: stand.services.mqttUrl,
      clientId: 'T001-acl',
      username: 'T001',
      password: 'T001',
      reconnectPeriodMs: 0,
    });
    try {
      const reading = JSON.stringify({ ts: Date.now(), lat: 22.7, lon: 114.2, speed: 30 });
      // Under another company's topic, and under another device's topic of its own company.
      for (const topic of [
        `${root}/truck/C02/T001/telemetry`,
        telemetryTopic(root, registry.device('T002')!),
      ]) {
        const ack = await client.publish(topic, reading);
        expect(ack).toEqual({ reasonCode: 0x87, reason: 'Not authorized', accepted: false });
      }
      // Mosquitto 2.0 does not disconnect for it: the same connection still publishes its own telemetry.
      expect(client.connected).toBe(true);
      const own = await client.publish(telemetryTopic(root, t001), reading);
      expect(own.accepted).toBe(true);
      expect([0x00, 0x10]).toContain(own.reasonCode);
    } finally {
      await client.close();
    }
    // The refused messages reached no subscriber.
    expect(observed.some((m) => m.topic === `${root}/truck/C02/T001/telemetry`)).toBe(false);
  });

  it('publishes one reading as a device or its owner, and reports the refusal under another owner', async () => {
    const g001 = registry.device('G001')!;
    const asOwner = await publishOnce({
      url: stand.services.mqttUrl,
      root,
      device: g001,
      as: 'P01',
      password: 'P01',
      message: { type: 'reading', overrides: { lel: 60 }, ts: '2026-05-01T08:00:00+08:00' },
    });
    expect(asOwner.ack.accepted).toBe(true);
    expect(JSON.parse(asOwner.payload)).toMatchObject({ lel: 60, ma: 13.6, ts: '2026-05-01T08:00:00+08:00' });
    await waitFor('the owner-published reading at the observer', () =>
      observed.some(
        (m) => m.topic === telemetryTopic(root, g001) && m.payload.toString() === asOwner.payload,
      ),
    );

    const refused = await publishOnce({
      url: stand.services.mqttUrl,
      root,
      device: g001,
      password: 'G001',
      topicOwner: 'P02',
      message: { type: 'reading', overrides: {} },
    });
    expect(refused.topic).toBe(`${root}/gas/P02/G001/telemetry`);
    expect(refused.ack).toMatchObject({ reasonCode: 0x87, accepted: false });

    await expect(
      publishOnce({
        url: stand.services.mqttUrl,
        root,
        device: g001,
        password: 'wrong',
        message: { type: 'raw', payload: '{}' },
      }),
    ).rejects.toThrow(
      /cannot connect .* as G001: Connection refused: (Bad User Name or Password|Not authorized)/,
    );
  });

  it('leaves the retained last will {"online": false} when a device dies without disconnecting', async () => {
    const g002 = registry.device('G002')!;
    const [sim] = simulateDevices([g002]);
    const fleet = await Fleet.start({
      url: stand.services.mqttUrl,
      root,
      devices: [sim],
      passwordOf: (u) => u,
      speedup: 1000,
      stagger: false,
    });
    const topic = statusTopic(root, g002);
    const statuses = (): string[] =>
      observed.filter((m) => m.topic === topic).map((m) => m.payload.toString());
    try {
      await waitFor('G002 online', () => statuses().includes(JSON.stringify({ online: true })));
      const before = statuses().length;
      await fleet.clientOf('G002')!.abort();
      await waitFor('G002 last will', () => statuses().length > before && statuses().at(-1) === OFFLINE);
    } finally {
      await fleet.stop();
    }
  });
});
