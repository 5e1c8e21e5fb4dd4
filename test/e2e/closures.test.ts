import { waitFor } from '@lg/services';
import type { Closure, DriverMessage, HazardArea } from '@lg/contracts';
import { useOperatorStand } from './helpers';

/**
 * Temporary closures and hazard areas through the built apps: an operator closes a circle to hazmat
 * trucks over the API, a truck of C01 reporting inside it gets a truck.restricted_zone alert naming the
 * closure within seconds (the worker reloads closures on the announcement), the company sees the closure
 * but not who drew it, and lifting it lets the truck go. A red gas alert appears in GET /api/hazards.
 */
describe('closures and hazard areas, end to end', () => {
  let companyToken = '';
  const stand = useOperatorStand({}, ['C01', 'P01'], async (s) => {
    companyToken = await s.login('c01');
  });

  const api = async (token: string, path: string, body?: unknown) => {
    const res = await fetch(`${stand.gateway}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  const AT = { lat: 22.655, lon: 114.215 };
  const fix = (ts: number) =>
    stand
      .owner('C01')
      .publishAsync(
        `${stand.platform.root}/truck/C01/T001/telemetry`,
        JSON.stringify({ ts, ...AT, speed: 12, heading: 90, ignition: true, alarm: 0, sats: 10 }),
        { qos: 1 },
      );

  it('refuses bad closures with a clear reason, and companies may not draw them', async () => {
    const { token: operatorToken } = stand;
    const to = Date.now() + 3600_000;
    const noShape = await api(operatorToken, '/api/closures', { reason: '抢修', to });
    expect(noShape.status).toBe(400);
    expect(JSON.stringify(noShape.body)).toContain('exactly one of polygon, circle or alert');
    const twoCorners = await api(operatorToken, '/api/closures', {
      reason: '抢修',
      to,
      polygon: [
        [114.2, 22.6],
        [114.21, 22.6],
      ],
    });
    expect(twoCorners.status).toBe(400);
    expect(JSON.stringify(twoCorners.body)).toContain('polygon');
    const tooLong = await api(operatorToken, '/api/closures', {
      reason: '抢修',
      to: Date.now() + 40 * 86_400_000,
      circle: { ...AT, radiusM: 100 },
    });
    expect(tooLong.status).toBe(400);
    const byCompany = await api(companyToken, '/api/closures', {
      reason: '抢修',
      to,
      circle: { ...AT, radiusM: 100 },
    });
    expect(byCompany.status).toBe(403);
  });

  it('makes a truck inside a new closure alert within seconds, shows it to the company, and lifts it', async () => {
    const { token: operatorToken, live: operator } = stand;
    const created = await api(operatorToken, '/api/closures', {
      reason: '宝龙路燃气抢修临时封闭',
      circle: { ...AT, radiusM: 250 },
      from: Date.now() - 60_000,
      to: Date.now() + 3600_000,
      severity: 'orange',
    });
    expect(created.status).toBe(201);
    const closure = created.body as Closure;
    expect(closure).toMatchObject({
      createdBy: 'operator',
      severity: 'orange',
      reason: '宝龙路燃气抢修临时封闭',
    });
    const drawnAt = Date.now();

    const seen = (await api(companyToken, '/api/closures')).body as Array<Partial<Closure>>;
    expect(seen.map((c) => c.id)).toContain(closure.id);
    expect(seen.find((c) => c.id === closure.id)?.createdBy).toBeUndefined();

    // The truck reports from inside: two fixes confirm the entry.
    await waitFor(
      'a truck.restricted_zone alert naming the closure',
      async () => {
        await fix(Date.now());
        return operator.alerts.some(
          (a) => a.rule === 'truck.restricted_zone' && a.device === 'T001' && a.value === closure.reason,
        );
      },
      20_000,
      500,
    );
    const alert = operator.alerts.find((a) => a.rule === 'truck.restricted_zone' && a.device === 'T001')!;
    expect(alert).toMatchObject({ severity: 'orange', active: true, owner: 'C01' });
    expect(alert.message).toContain('临时封闭区域');
    console.log(`closure drawn → truck alert on /live: ${Date.now() - drawnAt} ms (fixes every 500 ms)`);

    const lifted = await api(operatorToken, `/api/closures/${closure.id}/lift`, {});
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ liftedBy: 'operator' });
    expect((await api(operatorToken, `/api/closures/${closure.id}/lift`, {})).status).toBe(409);
    expect(((await api(companyToken, '/api/closures')).body as Closure[]).map((c) => c.id)).not.toContain(
      closure.id,
    );
    // Still reporting from the same place: the closure no longer holds, the alert clears 10 s on.
    await waitFor(
      'the truck.restricted_zone alert cleared',
      async () => {
        await fix(Date.now());
        return operator.alerts.some((a) => a.id === alert.id && !a.active);
      },
      30_000,
      1000,
    );
  });

  it('lists a red gas alert as a hazard area, for the company without whose sensor it is', async () => {
    const { platform, token: operatorToken } = stand;
    const detector = stand.owner('P01');
    await detector.publishAsync(
      `${platform.root}/gas/P01/G001/telemetry`,
      JSON.stringify({ ts: Date.now(), lel: 60, gas: 'CH4' }),
      { qos: 1 },
    );
    let areas: HazardArea[] = [];
    await waitFor('the hazard area of G001', async () => {
      areas = (await api(operatorToken, '/api/hazards')).body as HazardArea[];
      return areas.some((a) => a.device === 'G001');
    });
    expect(areas.find((a) => a.device === 'G001')).toMatchObject({
      kind: 'gas',
      severity: 'red',
      radiusM: 300,
    });
    const forCompany = (await api(companyToken, '/api/hazards')).body as Array<Partial<HazardArea>>;
    expect(forCompany).toHaveLength(areas.length);
    expect(forCompany[0].device).toBeUndefined();
    expect(forCompany[0].radiusM).toBe(300);
  });

  it('alerts a truck inside the gas hazard area, and the operator messages its driver through the company platform', async () => {
    const { platform, token: operatorToken, live: operator } = stand;
    const truck = stand.owner('C01');
    const received: DriverMessage[] = [];
    truck.on('message', (topic, payload) => {
      if (topic === `${platform.root}/_driver/C01/message`)
        received.push(JSON.parse(payload.toString()) as DriverMessage);
    });
    await truck.subscribeAsync(`${platform.root}/_driver/C01/message`, { qos: 1 });
    // T002 stands 100 m from the detector G001, whose red alert is still active.
    await truck.publishAsync(
      `${platform.root}/truck/C01/T002/telemetry`,
      JSON.stringify({
        ts: Date.now(),
        lat: 22.6052,
        lon: 114.1201,
        speed: 0,
        heading: 0,
        ignition: true,
        alarm: 0,
        sats: 9,
      }),
      { qos: 1 },
    );
    const near = await operator.waitForAlert(
      (a) => a.rule === 'truck.near_hazard' && a.device === 'T002',
      'the truck.near_hazard alert of T002',
    );
    expect(near).toMatchObject({ severity: 'red', owner: 'C01', active: true });
    expect(near.message).toContain('燃气泄漏红色预警');

    const path = `/api/alerts/${encodeURIComponent(near.id)}/driver-message`;
    expect((await api(companyToken, path, { text: '请绕行' })).status).toBe(403);
    expect((await api(operatorToken, path, { text: '' })).status).toBe(400);
    const sent = await api(operatorToken, path, { text: '前方燃气泄漏，请立即掉头绕行' });
    expect(sent.status).toBe(200);
    // No terminal of its own is connected: the company platform relays it.
    expect(sent.body).toMatchObject({ platform: 'queued', terminal: { sent: false } });
    await waitFor('the message on the company platform topic', () => received.length === 1);
    expect(received[0]).toMatchObject({
      company: 'C01',
      device: 'T002',
      alert: near.id,
      rule: 'truck.near_hazard',
      text: '前方燃气泄漏，请立即掉头绕行',
      by: 'operator',
    });
  });
});
