import { names, partitionOf } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { connectDevice, useOperatorStand } from './helpers';

/**
 * The time-driven parts and the live rule pack, on the built apps: an unacknowledged red alert climbs its
 * chain (grid → community → street → district) as the test clock is moved on; an acknowledgement stops
 * it; a late reading neither clears nor reopens; thresholds change live through PUT /api/rules.
 */
describe('rule engine: escalation, late readings, live thresholds', () => {
  const stand = useOperatorStand({ env: { LG_TEST_CLOCK: 'true', TIMER_INTERVAL_MS: '100' } }, ['P01']);

  const moveClock = (ms: number) => stand.redis.set(names(stand.platform.prefix).clockOffset, String(ms));
  const publish = (detector: string, body: object) => stand.publishGas(detector, body);
  const api = (path: string, init: RequestInit = {}, bearer = stand.token) =>
    fetch(`${stand.gateway}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...init.headers },
    });

  it('escalates an unacknowledged red alert step by step and stops once it is acknowledged', async () => {
    const { platform, live: operator } = stand;
    const ts = Date.now();
    await publish('G001', { ts, lel: 65 });
    const opened = await operator.waitForAlert(
      (a) => a.device === 'G001' && a.severity === 'red',
      'the red alert',
    );
    expect(opened.escalation).toMatchObject({ level: 'grid', unit: 'GR-BJ11' });

    await moveClock(5 * 60_000 + 1000);
    const community = await operator.waitForAlert(
      (a) => a.id === opened.id && a.escalation.level === 'community',
      'escalation to the community after 5 min',
    );
    expect(community.escalation.notify.length).toBeGreaterThan(0);
    await moveClock(10 * 60_000 + 2000);
    await operator.waitForAlert(
      (a) => a.id === opened.id && a.escalation.level === 'street',
      'escalation to the street',
    );

    const res = await api(`/api/alerts/${encodeURIComponent(opened.id)}/ack`, {
      method: 'POST',
      body: JSON.stringify({ note: 'grid officer on site' }),
    });
    expect(res.status).toBe(200);
    await operator.waitForAlert((a) => a.id === opened.id && a.acknowledged, 'the acknowledgement on /live');
    const seen = operator.alerts.length;
    // Past the street step's due time: the timer finds the alert acknowledged and drops it.
    await moveClock(30 * 60_000);
    const escalations = names(platform.prefix).partitionEscalations(partitionOf('G001', 4));
    await waitFor(
      'the acknowledged alert to leave the escalation schedule',
      async () => (await stand.redis.zscore(escalations, opened.id)) === null,
    );
    expect(
      operator.alerts.slice(seen).filter((a) => a.id === opened.id && a.escalation.level === 'district'),
    ).toEqual([]);

    await publish('G001', { ts: ts + 1000, lel: 5 });
    await publish('G001', { ts: ts + 32_000, lel: 5 });
    await operator.waitForAlert((a) => a.id === opened.id && !a.active, 'the clearing of the alert');

    // History is read from InfluxDB, which ingest writes a moment after the transition went live.
    let types: string[] = [];
    await waitFor('the clearing in the alert history', async () => {
      const history = (await (
        await api(`/api/alerts/${encodeURIComponent(opened.id)}/history`)
      ).json()) as Array<{
        type: string;
      }>;
      types = history.map((h) => h.type);
      return types.includes('cleared');
    });
    expect(types).toEqual(expect.arrayContaining(['opened', 'escalated', 'acknowledged', 'cleared']));
    expect(types.filter((t) => t === 'escalated')).toHaveLength(2);
  });

  it("takes an offline truck's alert up its company's chain and clears it when the truck reports again", async () => {
    const { platform, live: operator } = stand;
    const company = await connectDevice(platform.services.mqttUrl, 'C03');
    const truck = platform.registry.device('T040')!;
    expect(truck.owner).toBe('C03');
    const fix = (ts: number) => ({ ts, lat: 22.72, lon: 114.25, speed: 42, ignition: true, sats: 11 });
    const report = (ts: number) =>
      company.publishAsync(`${platform.root}/truck/C03/T040/telemetry`, JSON.stringify(fix(ts)), { qos: 1 });
    try {
      // The clock may be anywhere after the test before: put it back, then let the truck drive a little.
      await moveClock(0);
      const start = Date.now();
      for (let i = 0; i < 3; i++) await report(start - 20_000 + i * 10_000);
      await waitFor('T040 to be heard', async () => {
        const devices = (await (await api('/api/devices')).json()) as Array<{
          id: string;
          lastSeen: string | null;
        }>;
        return devices.some((d) => d.id === 'T040' && d.lastSeen !== null);
      });

      // Six minutes of silence under way: truck.offline (yellow), at the company.
      await moveClock(6 * 60_000);
      const offline = await operator.waitForAlert(
        (a) => a.device === 'T040' && a.rule === 'truck.offline' && a.active,
        'truck.offline on T040',
      );
      expect(offline).toMatchObject({ severity: 'yellow', escalation: { level: 'company', unit: 'C03' } });
      expect(offline.escalation.notify.length).toBeGreaterThan(0);

      // Nobody takes it: a yellow alert climbs after 60 min, from the company to the district.
      await moveClock(6 * 60_000 + 61 * 60_000);
      const district = await operator.waitForAlert(
        (a) => a.id === offline.id && a.escalation.level === 'district',
        'truck.offline escalated to the district after 60 min',
      );
      expect(district.active).toBe(true);
      expect(district.escalation.notify.length).toBeGreaterThan(0);

      // The clock back to the wall, and the truck reports again: the alert clears (still unacknowledged).
      await moveClock(0);
      await report(Date.now());
      const cleared = await operator.waitForAlert(
        (a) => a.id === offline.id && !a.active,
        'truck.offline cleared by the next report',
      );
      expect(cleared).toMatchObject({ acknowledged: false, escalation: { level: 'district' } });
      expect(operator.alerts.filter((a) => a.id === offline.id).map((a) => a.escalation.level)).toEqual(
        expect.arrayContaining(['company', 'district']),
      );
    } finally {
      await company.endAsync();
    }
  });

  it('does not let a late reading clear or reopen a live alert', async () => {
    const { platform, live: operator } = stand;
    const now = Date.now();
    await publish('G002', { ts: now, lel: 70 });
    const alert = await operator.waitForAlert((a) => a.device === 'G002' && a.active, 'the G002 alert');
    const before = operator.alerts.filter((a) => a.id === alert.id).length;
    // Two minutes older than the alarm, and below every threshold: late, so stored but not evaluated.
    await publish('G002', [
      { ts: now - 120_000, lel: 0 },
      { ts: now - 60_000, lel: 0 },
    ]);
    // A later in-order reading that keeps it red proves the late ones were processed before it.
    await publish('G002', { ts: now + 1000, lel: 71 });
    await platform.influxQuery(`SELECT lel FROM raw_gas.gas WHERE device = 'G002'`);
    const metrics = async () =>
      (await (await fetch(`${platform.url('worker')}/metrics`)).text()).match(
        /lg_worker_readings_late_total\S* (\d+)/,
      );
    const { waitFor } = await import('@lg/services');
    await waitFor('the late readings counted', async () => Number((await metrics())?.[1] ?? 0) >= 2);
    const transitions = operator.alerts.filter((a) => a.id === alert.id);
    expect(transitions.length).toBe(before);
    const current = (await (await api(`/api/alerts/${encodeURIComponent(alert.id)}`)).json()) as {
      active: boolean;
    };
    expect(current.active).toBe(true);
  });

  it("counts a gap in a device's reports, so that data lost upstream is visible", async () => {
    const { platform } = stand;
    const gaps = async () =>
      Number(
        (await (await fetch(`${platform.url('worker')}/metrics`)).text()).match(
          /lg_worker_reporting_gaps_total\{[^}]*kind="gas"[^}]*\} (\d+)/,
        )?.[1] ?? 0,
      );
    const before = await gaps();
    const detector = platform.registry.device('G003')!;
    const now = Date.now();
    // Two reports an interval apart, then one after ten intervals of nothing.
    await publish('G003', { ts: now - 12 * detector.intervalSec * 1000, lel: 1 });
    await publish('G003', { ts: now - 11 * detector.intervalSec * 1000, lel: 1 });
    await publish('G003', { ts: now, lel: 1 });
    await waitFor('the gap counted', async () => (await gaps()) >= before + 1);
    expect(await gaps()).toBe(before + 1);
  });

  it('changes thresholds live through PUT /api/rules, refusing bad values and non-operators', async () => {
    const rules = (await (await api('/api/rules')).json()) as Array<{
      rule: string;
      config: { orange: number };
    }>;
    expect(rules.find((r) => r.rule === 'gas.lel')?.config.orange).toBe(25);

    const bad = await api('/api/rules/gas.lel', {
      method: 'PUT',
      body: JSON.stringify({ config: { red: 10 } }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/red must be above orange/);

    const c01 = await stand.login('c01');
    expect((await api('/api/rules', {}, c01)).status).toBe(403);
    expect((await api('/api/rules/nope', { method: 'PUT', body: '{}' })).status).toBe(404);

    const ok = await api('/api/rules/gas.lel', {
      method: 'PUT',
      body: JSON.stringify({ devices: { G010: { orange: 15 } } }),
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { devices: Record<string, { orange: number }> }).devices.G010.orange).toBe(
      15,
    );
  });

  it('applies a stored rule change whose announcement was lost, within about a second', async () => {
    const { platform, live: operator } = stand;
    await moveClock(0);
    const n = names(platform.prefix);
    // What PUT /api/rules stores, without its announcement on the channel: a worker that missed the
    // message finds the change by the pack's version, which it polls once a second.
    await stand.redis
      .multi()
      .hset(n.rulePack, 'gas.lel', JSON.stringify({ devices: { G011: { orange: 15 } } }))
      .incr(n.rulePackVersion)
      .exec();
    // 20 % LEL is under the default orange (25) and over the stored one (15): reported until it alarms.
    const alarmed = () =>
      operator.alerts.find((a) => a.device === 'G011' && a.rule === 'gas.lel' && a.active);
    await waitFor(
      'an orange alert on G011 at 20 % LEL, from the stored threshold',
      async () => {
        await publish('G011', { ts: Date.now(), lel: 20 });
        return alarmed() !== undefined;
      },
      10_000,
      500,
    );
    expect(alarmed()).toMatchObject({ severity: 'orange', value: 20, threshold: 15 });
  });
});
