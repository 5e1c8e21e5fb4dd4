import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INGEST_CAUSE } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { type LiveClient, offlineFleetPlatform, publishTruck, useOperatorStand } from './helpers';

const FLEET = Array.from({ length: 6 }, (_, i) => `TD${String(i + 1).padStart(3, '0')}`);
/** A truck is offline after 15 s of silence; ingest is down after 5 s without taking readings. */
const SILENCE_SEC = 15;
const DOWN_AFTER_SEC = 5;

/**
 * Ingest killed (SIGKILL) while trucks report: nothing reaches the rules, so every truck's silence deadline
 * comes. After the down-after time one red `platform.ingest_down` alert stands for the outage (operators
 * only), and the trucks' offline alerts open held under `platform:ingest` — none is raised. Ingest
 * restarted: the trucks are heard again, their held alerts close by themselves and the platform alert clears.
 */
describe('inhibition: ingest down holds the offline alerts it caused', () => {
  let dir: string;
  let company: LiveClient;

  const stand = useOperatorStand(
    () => {
      dir = mkdtempSync(join(tmpdir(), 'lg-ingest-down-'));
      return offlineFleetPlatform(dir, FLEET, {
        name: '接入中断测试',
        plate: 'D',
        silenceSec: SILENCE_SEC,
        env: { INHIBIT_GRACE_SEC: '30', INHIBIT_INGEST_DOWN_AFTER_SEC: String(DOWN_AFTER_SEC) },
      });
    },
    ['C01'],
    async (s) => {
      company = await s.liveOf(await s.login('c01'));
      // The trucks report every second throughout, as a company platform would: under way (a parked truck
      // with its ignition off is not looked for), each at its own fixed spot (so none "moved while offline").
      const report = () => {
        const ts = Date.now();
        for (const [i, id] of FLEET.entries()) {
          const fix = { ts, lat: 22.7 + i * 0.001, lon: 114.25, speed: 40, ignition: true, sats: 10 };
          publishTruck(s.owner('C01'), s.platform.root, 'C01', id, fix).catch(() => undefined);
        }
      };
      report();
      const reporter = setInterval(report, 1000);
      s.onStop(() => clearInterval(reporter));
    },
  );

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const offline = () =>
    [...stand.live.latest().values()].filter((a) => FLEET.includes(a.device) && a.rule === 'truck.offline');

  it('raises one red platform alert, holds the trucks’ offline alerts, and lets them go quietly on return', async () => {
    await stand.waitForTrucksHeard(FLEET);
    // Ingest is taking readings: no platform alert while it does.
    expect(stand.live.alerts.filter((a) => a.rule === 'platform.ingest_down')).toEqual([]);

    const killedAt = Date.now();
    await stand.platform.kill('ingest');
    const cause = await stand.live.waitForAlert(
      (a) => a.rule === 'platform.ingest_down' && a.active,
      'the ingest-down alert',
      30_000,
    );
    expect(cause).toMatchObject({ severity: 'red', cause: INGEST_CAUSE, owner: 'LG', device: 'ingest' });
    // Counted from ingest's last beat, at most a second (its beat interval) before the kill.
    expect(Date.parse(cause.openedAt) - killedAt).toBeGreaterThanOrEqual(DOWN_AFTER_SEC * 1000 - 1000);

    // The trucks' silence deadlines come: every offline alert opens held, none is raised.
    await waitFor('the trucks’ offline alerts', () => offline().length === FLEET.length, 60_000);
    const sent = stand.live.alerts.filter((a) => FLEET.includes(a.device) && a.rule === 'truck.offline');
    expect(sent.filter((a) => a.inhibitedBy !== INGEST_CAUSE)).toEqual([]);
    expect(stand.live.alerts.filter((a) => a.rule === 'platform.ingest_down')).toHaveLength(1);

    // Ingest back: the trucks are heard again, the held alerts close by themselves, the platform alert clears.
    await stand.platform.restart('ingest', 'ingest');
    await stand.waitForQuietRelease(cause, offline, 'the held alerts');
    expect(offline()).toHaveLength(FLEET.length);
    expect(offline().every((a) => a.inhibitedBy === INGEST_CAUSE)).toBe(true);
    // Never raised: no copy of them ever went out without the cause.
    expect(
      stand.live.alerts.filter(
        (a) => FLEET.includes(a.device) && a.rule === 'truck.offline' && a.inhibitedBy === undefined,
      ),
    ).toEqual([]);
    expect(
      stand.live.alerts.filter(
        (a) => FLEET.includes(a.device) && a.rule !== 'truck.offline' && a.inhibitedBy === undefined,
      ),
    ).toEqual([]);
    // The platform's alert is the operators': the company's screen never got it.
    expect(
      [...(company.initial ?? []), ...company.alerts].filter((a) => a.rule === 'platform.ingest_down'),
    ).toEqual([]);
  });
});
