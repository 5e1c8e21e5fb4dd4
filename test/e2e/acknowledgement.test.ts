import { names, partitionOf, type Alert, type AlertTransition } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { type LiveClient, useOperatorStand } from './helpers';

/** Red climbs a step every 2 s; orange and yellow would take an hour, so they never climb in this test. */
const ESCALATION_DELAYS = 'red=2s,orange=1h,yellow=1h,blue=never';

/**
 * Acknowledgement follows severity, on the built apps: a raise clears the acknowledgement (an operator's of
 * a gas alert, a company's of its truck's alert), the alert escalates again from the red delay and can be
 * taken again; an acknowledgement of what the alert was before the raise is refused. A company's taking of
 * a red alert is its own: the alert stays unacknowledged and climbs to the district until an operator
 * takes it.
 */
describe('acknowledgement follows severity, end to end', () => {
  let companyToken = '';
  let company: LiveClient;
  const stand = useOperatorStand({ env: { ESCALATION_DELAYS, TIMER_INTERVAL_MS: '100' } }, [], async (s) => {
    companyToken = await s.login('c01');
    company = await s.liveOf(companyToken);
  });

  const api = (path: string, token: string, body?: unknown) => stand.api(path, token, body);
  const ack = (id: string, token: string, body: object) =>
    api(`/api/alerts/${encodeURIComponent(id)}/ack`, token, body);
  const history = (id: string, until: (h: AlertTransition[]) => boolean) => stand.history(id, until);

  it("clears an operator's acknowledgement when a gas alert rises to red, escalates it again, and takes it again", async () => {
    const { platform, redis, token: operatorToken, live: operator } = stand;
    await stand.connect('P01');
    const gas = (lel: number) => stand.publishGas('G001', { ts: Date.now(), lel });
    await gas(30);
    const orange = await operator.waitForAlert(
      (a) => a.device === 'G001' && a.rule === 'gas.lel' && a.severity === 'orange',
      'the orange gas alert',
    );
    expect(orange.escalation.level).toBe('grid');
    const taken = await ack(orange.id, operatorToken, { note: 'checking', severity: 'orange' });
    expect(taken.status).toBe(200);
    expect(await taken.json()).toMatchObject({ acknowledged: true, ackedBy: 'operator' });
    const ackedAt = (
      await operator.waitForAlert((a) => a.id === orange.id && a.acknowledged, 'the acknowledgement on /live')
    ).ackedAt!;

    await gas(80);
    const red = await operator.waitForAlert(
      (a) => a.id === orange.id && a.severity === 'red',
      'the raise to red on /live',
    );
    expect(red).toMatchObject({ acknowledged: false, active: true, value: 80 });
    expect(red.ackedBy).toBeUndefined();
    expect(red.note).toBeUndefined();
    // Every copy of the alert orders the raise after the acknowledgement it cleared.
    expect(red.updatedAt > ackedAt).toBe(true);
    // The open-alert listing says so too.
    const unacked = (await (await api('/api/alerts?acknowledged=false', operatorToken)).json()) as Alert[];
    expect(unacked.find((a) => a.id === red.id)).toMatchObject({ severity: 'red', acknowledged: false });

    // It climbs again, from the red delay: grid → community.
    const community = await operator.waitForAlert(
      (a) => a.id === red.id && a.escalation.level === 'community',
      'the raised alert escalating to the community',
    );
    expect(community.acknowledged).toBe(false);

    // Someone who still saw it orange cannot take the red alert by accident…
    const stale = await ack(red.id, operatorToken, { severity: 'orange' });
    expect(stale.status).toBe(409);
    expect(((await stale.json()) as { message: string }).message).toMatch(/now red/);
    // …someone who saw it red can.
    const again = await ack(red.id, operatorToken, { note: 'evacuating the block', severity: 'red' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ acknowledged: true, note: 'evacuating the block' });
    const escalations = names(platform.prefix).partitionEscalations(partitionOf('G001', 4));
    await waitFor(
      'the acknowledged alert to leave the escalation schedule',
      async () => (await redis.zscore(escalations, red.id)) === null,
    );

    const list = await history(red.id, (h) => h.filter((t) => t.type === 'acknowledged').length >= 2);
    const raised = list.find((t) => t.type === 'raised');
    expect(raised).toMatchObject({
      severity: 'red',
      previousSeverity: 'orange',
      acknowledged: false,
      clearedAck: { by: 'operator', at: ackedAt },
    });
    expect(list.map((t) => t.type)).toEqual([
      'opened',
      'acknowledged',
      'raised',
      ...list.slice(3, -1).map(() => 'escalated'),
      'acknowledged',
    ]);
  });

  it("clears a company's acknowledgement when its truck's alert rises to red; its taking of the red alert does not stop the district's escalation", async () => {
    const { platform, redis, token: operatorToken, live: operator } = stand;
    const c01 = await stand.connect('C01');
    const truck = platform.registry.device('T001')!;
    expect(truck.owner).toBe('C01');
    const base = Date.now() - 120_000;
    const fix = (s: number, speed: number) => ({
      ts: base + s * 1000,
      lat: 22.72,
      lon: 114.25,
      speed,
      heading: 90,
      ignition: true,
    });
    // Over the 60 km/h limit for more than 30 s: a yellow overspeed.
    await c01.publishAsync(
      `${platform.root}/truck/C01/T001/telemetry`,
      JSON.stringify([fix(0, 65), fix(10, 66), fix(20, 65), fix(30, 67), fix(31, 66)]),
      { qos: 1 },
    );
    const yellow = await company.waitForAlert(
      (a) => a.device === 'T001' && a.rule === 'truck.overspeed',
      'the yellow overspeed on the company feed',
    );
    expect(yellow).toMatchObject({ severity: 'yellow', threshold: 60, escalation: { level: 'company' } });

    // The company takes its yellow alert: that counts, for everyone.
    const taken = await ack(yellow.id, companyToken, { note: 'called the driver', severity: 'yellow' });
    expect(taken.status).toBe(200);
    expect(await taken.json()).toMatchObject({ acknowledged: true, ackedBy: 'c01' });
    await operator.waitForAlert((a) => a.id === yellow.id && a.acknowledged, "the company's acknowledgement");

    // 95 km/h: red. The company's acknowledgement is cleared, on both feeds.
    await c01.publishAsync(`${platform.root}/truck/C01/T001/telemetry`, JSON.stringify(fix(40, 95)), {
      qos: 1,
    });
    const red = await company.waitForAlert(
      (a) => a.id === yellow.id && a.severity === 'red',
      'the raise to red on the company feed',
    );
    expect(red.acknowledged).toBe(false);
    await operator.waitForAlert(
      (a) => a.id === red.id && a.severity === 'red' && !a.acknowledged,
      'the raise',
    );

    // The company takes the red alert at once, before it climbs: its own taking, not the district's.
    const companyTake = await ack(red.id, companyToken, { note: 'driver slowing down', severity: 'red' });
    expect(companyTake.status).toBe(200);
    const afterCompany = (await companyTake.json()) as Alert;
    expect(afterCompany).toMatchObject({
      acknowledged: false,
      companyAck: { by: 'c01', note: 'driver slowing down' },
    });
    // Taking it twice changes nothing.
    expect(await (await ack(red.id, companyToken, {})).json()).toMatchObject({
      acknowledged: false,
      companyAck: { at: afterCompany.companyAck!.at },
    });

    // The district is not told the alert was taken: it climbs from the company to the district.
    const district = await operator.waitForAlert(
      (a) => a.id === red.id && a.escalation.level === 'district',
      'the red truck alert escalating to the district after the company took it',
    );
    expect(district.escalation.since > afterCompany.companyAck!.at).toBe(true);
    expect(district).toMatchObject({ acknowledged: false, companyAck: { by: 'c01' } });

    // An operator takes it; now it is acknowledged for everyone.
    const taken2 = await ack(red.id, operatorToken, { note: 'traffic police informed', severity: 'red' });
    expect(taken2.status).toBe(200);
    await company.waitForAlert(
      (a) => a.id === red.id && a.acknowledged && a.ackedBy === 'operator',
      "the operator's acknowledgement on the company feed",
    );
    const escalations = names(platform.prefix).partitionEscalations(partitionOf('T001', 4));
    await waitFor(
      'the acknowledged alert to leave the escalation schedule',
      async () => (await redis.zscore(escalations, red.id)) === null,
    );

    const list = await history(red.id, (h) => h.filter((t) => t.type === 'acknowledged').length >= 3);
    expect(list.find((t) => t.type === 'raised')).toMatchObject({
      previousSeverity: 'yellow',
      clearedAck: { by: 'c01' },
    });
    expect(list.filter((t) => t.type === 'acknowledged').map((t) => [t.by, t.acknowledged])).toEqual([
      ['c01', true],
      ['c01', false],
      ['operator', true],
    ]);
  });
});
