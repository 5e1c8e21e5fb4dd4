import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformLinkTopic, type Alert } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { offlineFleetPlatform, publishTruck, useOperatorStand } from './helpers';

/** Twenty trucks of one company besides the registry's own: ten report again before the link returns. */
const FLEET = Array.from({ length: 20 }, (_, i) => `TI${String(i + 1).padStart(3, '0')}`);
const BACK = FLEET.slice(0, 10);
const SILENT = FLEET.slice(10);
const OFFLINE_RULES = new Set(['truck.offline', 'device.offline']);
/** Real time throughout (the causes and the worker on one clock): silence after 4 s, a grace of 15 s. */
const SILENCE_SEC = 4;
const GRACE_SEC = 15;

/**
 * Inhibition on the built apps: company C01's platform link drops and its twenty trucks go silent. One
 * `platform.link_down` alert is raised; the trucks' offline alerts are held under it (on `/live` only with
 * `inhibitedBy`, so no screen lists or counts them), and nothing climbs. The link returns: the cause's alert
 * clears; ten trucks report within the grace and their held alerts close by themselves; the ten still
 * silent after it are released — raised normally.
 */
describe('inhibition: a company platform link down holds its trucks’ offline alerts', () => {
  let dir: string;
  const stand = useOperatorStand(() => {
    dir = mkdtempSync(join(tmpdir(), 'lg-inhibit-'));
    return offlineFleetPlatform(dir, FLEET, {
      name: '抑制测试',
      plate: 'I',
      silenceSec: SILENCE_SEC,
      env: { INHIBIT_GRACE_SEC: String(GRACE_SEC) },
    });
  }, ['C01']);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const api = <T>(path: string): Promise<T> => stand.getJson<T>(path, stand.token);
  const offlineOf = (devices: string[]) =>
    [...stand.live.latest().values()].filter((a) => devices.includes(a.device) && OFFLINE_RULES.has(a.rule));
  const report = async (id: string, i: number, ts: number, moving = true) => {
    const fix = {
      ts,
      lat: 22.7 + i * 0.001,
      lon: 114.25,
      speed: moving ? 40 : 0,
      ignition: moving,
      sats: 10,
    };
    await publishTruck(stand.owner('C01'), stand.platform.root, 'C01', id, fix);
  };
  const link = (state: 'online' | 'offline') =>
    stand
      .owner('C01')
      .publishAsync(platformLinkTopic(stand.platform.root, 'C01'), JSON.stringify({ state }), {
        qos: 1,
        retain: true,
      });

  const ids = (alerts: readonly Alert[]) => alerts.map((a) => a.id).sort();
  const failure = async (path: string, token: string) => {
    const res = await stand.api(path, token);
    return { status: res.status, message: ((await res.json()) as { message: string }).message };
  };

  /**
   * While the link is down (`held`: the twenty trucks' alerts held under it, `cause`: the link's own
   * alert), the API answers what is held and what is raised to people, for the operator and for C01.
   */
  const expectHeldListings = async (held: readonly Alert[], cause: Alert) => {
    const c01 = await stand.login('c01');
    for (const token of [stand.token, c01]) {
      const everything = await stand.getJson<Alert[]>('/api/alerts?limit=1000', token);
      const heldOnes = await stand.getJson<Alert[]>('/api/alerts?held=true&limit=1000', token);
      const raised = await stand.getJson<Alert[]>('/api/alerts?held=false&limit=1000', token);
      const underLink = await stand.getJson<Alert[]>('/api/alerts?cause=link:C01&limit=1000', token);
      expect(ids(heldOnes)).toEqual(ids(held));
      expect(ids(underLink)).toEqual(ids(held));
      // Raised: everything else the user sees, the link's own alert among it, nothing held.
      expect(ids(raised)).toEqual(ids(everything.filter((a) => a.inhibitedBy === undefined)));
      expect(ids(raised)).toContain(cause.id);
      expect(raised.filter((a) => a.inhibitedBy !== undefined)).toEqual([]);
      // Ingest is up: it holds nothing, for either.
      expect(await stand.getJson<Alert[]>('/api/alerts?cause=platform:ingest', token)).toEqual([]);
    }
    // Another company's link: nothing held for the operator; not C01's to ask, like another owner.
    expect(await api<Alert[]>('/api/alerts?cause=link:C02')).toEqual([]);
    expect(await failure('/api/alerts?cause=link:C02', c01)).toEqual({
      status: 403,
      message: "cause: a company user sees only its own company's link (link:C01)",
    });
    expect((await failure('/api/alerts?cause=gateway:S24-GW', c01)).status).toBe(403);
    // A cause ID of no known form, or held=false with a cause, is a 400 saying so.
    expect(await failure('/api/alerts?cause=link:', stand.token)).toEqual({
      status: 400,
      message: 'cause: must be link:{company ID}, gateway:{gateway ID} or platform:ingest, got "link:"',
    });
    expect((await failure(`/api/alerts?cause=link:${'C'.repeat(300)}`, stand.token)).message).toBe(
      'cause: must be at most 72 characters',
    );
    expect(await failure('/api/alerts?cause=link:C01&held=false', stand.token)).toEqual({
      status: 400,
      message: 'held: must not be false with cause, which lists the alerts held under it',
    });
  };

  it('raises one alert for the link, holds the trucks’ offline alerts under it, and lets them go when it returns', async () => {
    await link('online');
    const start = Date.now();
    for (const [i, id] of FLEET.entries()) await report(id, i, start);
    await stand.waitForTrucksHeard(FLEET);

    // The link drops, and the trucks go silent.
    await link('offline');
    const cause = await stand.live.waitForAlert(
      (a) => a.rule === 'platform.link_down' && a.owner === 'C01' && a.active,
      'the link alert',
    );
    expect(cause).toMatchObject({ severity: 'orange', cause: 'link:C01', device: 'C01', kind: 'truck' });
    await waitFor('twenty held offline alerts', () => offlineOf(FLEET).length === 20, 30_000);
    // Every one came held: none was ever sent to a screen without its cause.
    const sent = stand.live.alerts.filter((a) => FLEET.includes(a.device) && OFFLINE_RULES.has(a.rule));
    expect(sent.filter((a) => a.inhibitedBy !== 'link:C01')).toEqual([]);
    expect(
      stand.live.alerts.filter((a) => a.rule === 'platform.link_down' && a.owner === 'C01'),
    ).toHaveLength(1);
    // Listed with their cause, none climbing: they stay at the company level, held.
    const listed = await api<Alert[]>('/api/alerts?owner=C01&active=true&limit=500');
    const held = listed.filter((a) => a.inhibitedBy === 'link:C01');
    expect(held.map((a) => a.device).sort()).toEqual(FLEET);
    expect(held.every((a) => a.escalation.level === 'company' && !a.incident)).toBe(true);
    await expectHeldListings(held, cause);

    // The link returns: its alert clears. Ten trucks report within the grace (parked, so they do not go
    // silent again): their held alerts close by themselves, nobody has to acknowledge them.
    await link('online');
    for (const [i, id] of BACK.entries()) await report(id, i, Date.now(), false);
    await stand.waitForQuietRelease(
      cause,
      () => offlineOf(BACK),
      'the held alerts of the ten trucks that reported',
    );
    expect(offlineOf(BACK)).toHaveLength(10);

    // The ten still silent after the grace are raised normally.
    await waitFor(
      'the silent trucks’ alerts released',
      () => offlineOf(SILENT).every((a) => a.inhibitedBy === undefined && a.active && !a.acknowledged),
      GRACE_SEC * 1000 + 30_000,
    );
    expect(offlineOf(SILENT)).toHaveLength(10);
    expect(offlineOf(BACK).filter((a) => a.active || !a.acknowledged)).toEqual([]);
    // A held alert that closed by itself was never raised: it stays held, under its cause. The released
    // ones are raised to people like any other.
    const after = await api<Alert[]>('/api/alerts?cause=link:C01&limit=500');
    expect(after.map((a) => a.device).sort()).toEqual(BACK);
    const raisedNow = await api<Alert[]>('/api/alerts?held=false&owner=C01&limit=500');
    expect(raisedNow.map((a) => a.id)).toEqual(expect.arrayContaining(offlineOf(SILENT).map((a) => a.id)));
    const silent = offlineOf(SILENT)[0].id;
    await waitFor('the release in the alert’s history', async () => {
      const history = await api<Array<{ type: string }>>(`/api/alerts/${encodeURIComponent(silent)}/history`);
      return history.some((t) => t.type === 'released') && history.some((t) => t.type === 'opened');
    });
  });
});
