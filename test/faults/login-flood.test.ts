import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import type { Alert } from '@lg/contracts';
import { connectDevice, LiveClient } from '../e2e/helpers';
import { duplicateDeliveries, NumberedLoad } from './harness';

/**
 * Fault row "login flood": wrong passwords for `operator` as fast as 20 parallel clients can send them, all
 * from one address, while the operator logs in from another, trucks of two companies publish numbered
 * readings and a gas detector goes red. The gateway trusts the test process's address as its proxy
 * (TRUST_PROXY=127.0.0.1), so each request names its client in X-Forwarded-For exactly as the compose
 * deployment's nginx does.
 */
const TRUCKS = [
  { id: 'T001', owner: 'C01' },
  { id: 'T002', owner: 'C01' },
  { id: 'T004', owner: 'C02' },
  { id: 'T005', owner: 'C02' },
];
const RATE = 400;
const ATTACKER = '203.0.113.66';
const OPERATOR_DESK = '198.51.100.10';
const FLOOD_MS = 8000;
const PARALLEL = 20;

interface LoginAnswer {
  status: number;
  token?: string;
}

async function loginFrom(
  gateway: string,
  client: string,
  username: string,
  password: string,
): Promise<LoginAnswer> {
  const res = await fetch(`${gateway}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { token?: string };
  return { status: res.status, ...(body.token ? { token: body.token } : {}) };
}

/** Resident memory of a process, MB (Linux). */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : 0;
}

describe('fault suite: abusive clients', () => {
  it('a login flood against the operator from one address while the operator logs in from another', async () => {
    const platform = await Platform.start({ env: { LOG_LEVEL: 'error', TRUST_PROXY: '127.0.0.1' } });
    let operator: LiveClient | undefined;
    let gas: MqttClient | undefined;
    let sampling: NodeJS.Timeout | undefined;
    try {
      const gateway = platform.url('gateway');
      const gatewayPid = platform.apps.get('gateway')!.proc.pid!;
      const rss = { before: rssMb(gatewayPid), peak: 0 };
      sampling = setInterval(() => (rss.peak = Math.max(rss.peak, rssMb(gatewayPid))), 200);
      gas = await connectDevice(platform.services.mqttUrl, 'P01', 'P01', true);
      const load = new NumberedLoad(platform, TRUCKS, RATE);
      await load.start();
      await waitFor('load to be acknowledged before the flood', () => load.ackedCount >= RATE * 2, 30_000);

      const counts = new Map<number, number>();
      const floodUntil = Date.now() + FLOOD_MS;
      const flood = Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (Date.now() < floodUntil) {
            const { status } = await loginFrom(gateway, ATTACKER, 'operator', 'guess');
            counts.set(status, (counts.get(status) ?? 0) + 1);
          }
        }),
      );
      // Mid-flood: the operator logs in from the desk, opens the live feed, and a detector goes red.
      await waitFor('the flood to be refused', () => (counts.get(429) ?? 0) >= 100, 30_000);
      const loginStarted = Date.now();
      const desk = await loginFrom(gateway, OPERATOR_DESK, 'operator', 'operator');
      const loginMs = Date.now() - loginStarted;
      expect(desk.status).toBe(200);
      operator = await LiveClient.connect(gateway, desk.token!);
      await gas.publishAsync(
        `${platform.root}/gas/P01/G001/telemetry`,
        JSON.stringify({ ts: Date.now(), lel: 62 }),
        { qos: 1 },
      );
      const live = operator;
      await waitFor(
        'the red gas alert on /live during the flood',
        () => live.alerts.some((a: Alert) => a.device === 'G001' && a.severity === 'red'),
        30_000,
      );
      const alertDuringFlood = Date.now() < floodUntil;
      await flood;
      // The attacker's own address stays refused, even with the right password.
      expect((await loginFrom(gateway, ATTACKER, 'operator', 'operator')).status).toBe(429);

      await load.stop();
      const stored = await load.stored();
      clearInterval(sampling);
      sampling = undefined;
      const attempts = [...counts.values()].reduce((a, b) => a + b, 0);
      const row = {
        fault: 'login flood against the operator from one address',
        sent: load.sent,
        acknowledged: load.ackedCount,
        stored: stored.stored,
        lost: stored.lost,
        duplicateAlerts: duplicateDeliveries(live.alerts),
        floodAttempts: attempts,
        floodByStatus: Object.fromEntries(counts),
        operatorLoginMs: loginMs,
        redGasAlertDuringFlood: alertDuringFlood,
        gatewayRssMb: { before: rss.before, peak: rss.peak },
        gatewayAlive: platform.apps.get('gateway')!.proc.alive,
      };
      mkdirSync('artifacts', { recursive: true });
      writeFileSync('artifacts/faults-login-flood.json', JSON.stringify(row, null, 2));
      console.log(JSON.stringify(row, null, 2));

      // Only the per-user-and-address limit's worth of passwords was ever checked for the attacker.
      expect(counts.get(401) ?? 0).toBeLessThanOrEqual(10);
      expect((counts.get(401) ?? 0) + (counts.get(429) ?? 0)).toBe(attempts);
      expect(row).toMatchObject({ lost: 0, duplicateAlerts: 0, gatewayAlive: true });
      expect(stored.extra).toBe(0);
      expect(row.acknowledged).toBe(row.sent);
    } finally {
      if (sampling) clearInterval(sampling);
      operator?.close();
      await gas?.endAsync();
      await platform.stop();
    }
  });
});
