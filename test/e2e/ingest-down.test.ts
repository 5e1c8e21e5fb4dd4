import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MqttClient } from 'mqtt';
import { INGEST_CAUSE, type Alert } from '@lg/contracts';
import type { RegistryData } from '@lg/registry';
import { waitFor } from '@lg/services';
import { Platform } from '@lg/testing';
import { connectDevice, LiveClient, login } from './helpers';

const FLEET = Array.from({ length: 6 }, (_, i) => `TD${String(i + 1).padStart(3, '0')}`);
/** A truck is offline after 15 s of silence; ingest is down after 5 s without taking readings. */
const SILENCE_SEC = 15;
const DOWN_AFTER_SEC = 5;

function fleetRegistry(dir: string): string {
  const data = JSON.parse(
    readFileSync(resolve(__dirname, '../../config/registry/longgang.json'), 'utf8'),
  ) as RegistryData;
  data.devices.push(
    ...FLEET.map((id, i) => ({
      id,
      kind: 'truck' as const,
      owner: 'C01',
      name: `接入中断测试 ${i + 1}`,
      intervalSec: 10,
      plate: `粤B D${String(i).padStart(4, '0')}`,
    })),
  );
  const file = join(dir, 'registry.json');
  writeFileSync(file, JSON.stringify(data));
  return file;
}

function fastPack(dir: string): string {
  const file = join(dir, 'pack.json');
  const pack = {
    'truck.offline': { config: { silenceSec: SILENCE_SEC, movingKmh: 5 } },
    'device.offline': { enabled: false },
  };
  writeFileSync(file, JSON.stringify(pack));
  return file;
}

/**
 * Ingest killed (SIGKILL) while trucks report: nothing reaches the rules, so every truck's silence deadline
 * comes. After the down-after time one red `platform.ingest_down` alert stands for the outage (operators
 * only), and the trucks' offline alerts open held under `platform:ingest` — none is raised. Ingest
 * restarted: the trucks are heard again, their held alerts close by themselves and the platform alert clears.
 */
describe('inhibition: ingest down holds the offline alerts it caused', () => {
  let dir: string;
  let platform: Platform;
  let c01: MqttClient;
  let screen: LiveClient;
  let company: LiveClient;
  let token: string;
  let gateway: string;
  let reporter: NodeJS.Timeout | undefined;

  const latest = (): Map<string, Alert> => {
    const out = new Map<string, Alert>();
    for (const a of [...(screen.initial ?? []), ...screen.alerts]) {
      const known = out.get(a.id);
      if (!known || a.updatedAt >= known.updatedAt) out.set(a.id, a);
    }
    return out;
  };
  const offline = () =>
    [...latest().values()].filter((a) => FLEET.includes(a.device) && a.rule === 'truck.offline');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-ingest-down-'));
    platform = await Platform.start({
      registryFile: fleetRegistry(dir),
      env: {
        RULE_PACK_FILE: fastPack(dir),
        TIMER_INTERVAL_MS: '100',
        INHIBIT_GRACE_SEC: '30',
        INHIBIT_RECHECK_SEC: '1',
        INHIBIT_INGEST_DOWN_AFTER_SEC: String(DOWN_AFTER_SEC),
        DUTY_CHECK_SCHEDULE: 'false',
      },
    });
    gateway = platform.url('gateway');
    token = await login(gateway, 'operator', 'operator');
    screen = await LiveClient.connect(gateway, token);
    company = await LiveClient.connect(gateway, await login(gateway, 'c01', 'c01'));
    c01 = await connectDevice(platform.services.mqttUrl, 'C01');
    // The trucks report every second throughout, as a company platform would: under way (a parked truck
    // with its ignition off is not looked for), each at its own fixed spot (so none "moved while offline").
    const report = () => {
      const ts = Date.now();
      for (const [i, id] of FLEET.entries()) {
        const fix = { ts, lat: 22.7 + i * 0.001, lon: 114.25, speed: 40, ignition: true, sats: 10 };
        c01
          .publishAsync(`${platform.root}/truck/C01/${id}/telemetry`, JSON.stringify(fix), { qos: 1 })
          .catch(() => undefined);
      }
    };
    report();
    reporter = setInterval(report, 1000);
  });

  afterAll(async () => {
    clearInterval(reporter);
    screen?.close();
    company?.close();
    await c01?.endAsync();
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('raises one red platform alert, holds the trucks’ offline alerts, and lets them go quietly on return', async () => {
    await waitFor(
      'the trucks to be heard',
      async () => {
        const res = await fetch(`${gateway}/api/devices?kind=truck`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const devices = (await res.json()) as Array<{ id: string; lastSeen: string | null }>;
        return FLEET.every((id) => devices.some((d) => d.id === id && d.lastSeen !== null));
      },
      30_000,
    );
    // Ingest is taking readings: no platform alert while it does.
    expect(screen.alerts.filter((a) => a.rule === 'platform.ingest_down')).toEqual([]);

    const killedAt = Date.now();
    await platform.kill('ingest');
    const cause = await screen.waitForAlert(
      (a) => a.rule === 'platform.ingest_down' && a.active,
      'the ingest-down alert',
      30_000,
    );
    expect(cause).toMatchObject({ severity: 'red', cause: INGEST_CAUSE, owner: 'LG', device: 'ingest' });
    // Counted from ingest's last beat, at most a second (its beat interval) before the kill.
    expect(Date.parse(cause.openedAt) - killedAt).toBeGreaterThanOrEqual(DOWN_AFTER_SEC * 1000 - 1000);

    // The trucks' silence deadlines come: every offline alert opens held, none is raised.
    await waitFor('the trucks’ offline alerts', () => offline().length === FLEET.length, 60_000);
    const sent = screen.alerts.filter((a) => FLEET.includes(a.device) && a.rule === 'truck.offline');
    expect(sent.filter((a) => a.inhibitedBy !== INGEST_CAUSE)).toEqual([]);
    expect(screen.alerts.filter((a) => a.rule === 'platform.ingest_down')).toHaveLength(1);

    // Ingest back: the trucks are heard again, the held alerts close by themselves, the platform alert clears.
    await platform.restart('ingest', 'ingest');
    await waitFor('the ingest-down alert to clear', () => latest().get(cause.id)?.active === false, 30_000);
    await waitFor(
      'the held alerts to close quietly',
      () => offline().every((a) => !a.active && a.acknowledged && a.ackedBy === 'system'),
      30_000,
    );
    expect(offline()).toHaveLength(FLEET.length);
    expect(offline().every((a) => a.inhibitedBy === INGEST_CAUSE)).toBe(true);
    // Never raised: no copy of them ever went out without the cause.
    expect(
      screen.alerts.filter(
        (a) => FLEET.includes(a.device) && a.rule === 'truck.offline' && a.inhibitedBy === undefined,
      ),
    ).toEqual([]);
    expect(
      screen.alerts.filter(
        (a) => FLEET.includes(a.device) && a.rule !== 'truck.offline' && a.inhibitedBy === undefined,
      ),
    ).toEqual([]);
    // The platform's alert is the operators': the company's screen never got it.
    expect(
      [...(company.initial ?? []), ...company.alerts].filter((a) => a.rule === 'platform.ingest_down'),
    ).toEqual([]);
  });
});
