import type { MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import type { DutyAnswerResult, DutyCheckView, DutyQuestion } from '@lg/contracts';
import { Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import { connectDevice, dutyResponder, login, type LiveSocket } from './helpers';

/**
 * Duty checks (平台查岗) end to end with the built ingest and gateway: an operator asks, the question
 * reaches the company's platform over MQTT, the answer comes back over MQTT or from the dashboard, and
 * each check ends in time, late or missed; the scorecard's duty-check rate is then the measured one.
 */
describe('duty checks, end to end', () => {
  let platform: Platform;
  let gateway: string;
  let c01: MqttClient;
  const startedAt = Date.now();
  const tokens: Record<string, string> = {};
  const questions: DutyQuestion[] = [];
  const results: DutyAnswerResult[] = [];
  const live: Record<string, DutyCheckView[]> = { c01: [], c02: [] };
  const sockets: LiveSocket[] = [];

  beforeAll(async () => {
    // Only the checks the test asks: none at random.
    platform = await Platform.start({ apps: ['ingest', 'gateway'], env: { DUTY_CHECK_SCHEDULE: 'false' } });
    gateway = platform.url('gateway');
    for (const user of ['operator', 'c01', 'c02']) tokens[user] = await login(gateway, user, user);
    for (const user of ['c01', 'c02']) {
      const socket: LiveSocket = io(`${gateway}/live`, {
        auth: { token: tokens[user] },
        transports: ['websocket'],
        reconnection: false,
      });
      socket.on('duty-check', (c) => live[user].push(c));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      sockets.push(socket);
    }
    c01 = await connectDevice(platform.services.mqttUrl, 'C01');
    c01.on('message', (topic, payload) => {
      const body = JSON.parse(payload.toString()) as unknown;
      if (topic.endsWith('/question')) questions.push(body as DutyQuestion);
      else results.push(body as DutyAnswerResult);
    });
    await c01.subscribeAsync([`${platform.root}/_duty/C01/question`, `${platform.root}/_duty/C01/result`], {
      qos: 1,
    });
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await c01?.endAsync();
    await platform?.stop();
  });

  const call = async <T>(user: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway}${path}`, {
      method,
      headers: { authorization: `Bearer ${tokens[user]}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const ask = async (deadlineSec: number) => {
    const res = await call<{ id: string }>('operator', 'POST', '/api/duty-checks', {
      company: 'C01',
      deadlineSec,
    });
    expect(res.status).toBe(202);
    let q: DutyQuestion | undefined;
    await waitFor(
      `the question of ${res.body.id} over MQTT`,
      () => (q = questions.find((x) => x.id === res.body.id)) !== undefined,
    );
    return q!;
  };
  const codeOf = (q: { question: string }) => /(\d{4})/.exec(q.question)![1];
  const checkOf = async (id: string) =>
    (
      await call<{ checks: DutyCheckView[] }>('operator', 'GET', '/api/duty-checks?company=C01')
    ).body.checks.find((c) => c.id === id);
  const answer = (id: string, body: unknown) =>
    c01.publishAsync(`${platform.root}/_duty/C01/${id}/answer`, JSON.stringify(body), { qos: 1 });

  it('takes an answer in time over MQTT, with who answered and how fast; a wrong code is refused', async () => {
    const q = await ask(600);
    expect(q.company).toBe('C01');
    expect(Date.parse(q.deadline) - Date.parse(q.askedAt)).toBe(600_000);
    await answer(q.id, { code: '99999', by: '值班员张三' });
    await waitFor('the wrong code refused', () => results.some((r) => r.id === q.id && !r.ok));
    expect(results.find((r) => r.id === q.id)?.message).toMatch(/code does not match/);
    expect((await checkOf(q.id))?.status).toBe('pending');

    await answer(q.id, { code: codeOf(q), by: '值班员张三' });
    await waitFor('the answer taken', () => results.some((r) => r.id === q.id && r.ok));
    expect(results.find((r) => r.id === q.id && r.ok)).toMatchObject({ status: 'in_time' });
    const check = await checkOf(q.id);
    expect(check).toMatchObject({
      status: 'in_time',
      answeredBy: '值班员张三',
      via: 'mqtt',
      askedBy: 'operator',
    });
    expect(check!.responseMs).toBeGreaterThanOrEqual(0);
    expect(check!.responseMs).toBeLessThan(60_000);
    // A second answer changes nothing.
    await answer(q.id, { code: codeOf(q), by: '另一人' });
    await waitFor('the second answer refused', () => results.filter((r) => r.id === q.id).length === 3);
    expect((await checkOf(q.id))?.answeredBy).toBe('值班员张三');
  });

  it('takes an answer in time from the company’s dashboard; no other company sees or answers it', async () => {
    const q = await ask(600);
    // c01 sees the question with its countdown on /live and in its list.
    await waitFor('the question on c01’s /live', () =>
      live.c01.some((c) => c.id === q.id && c.status === 'pending'),
    );
    const listed = await call<{ checks: DutyCheckView[] }>('c01', 'GET', '/api/duty-checks');
    expect(listed.body.checks.map((c) => c.company)).toContain('C01');
    expect(new Set(listed.body.checks.map((c) => c.company))).toEqual(new Set(['C01']));
    // c02 neither sees nor answers it.
    expect((await call('c02', 'GET', '/api/duty-checks?company=C01')).status).toBe(403);
    expect((await call<{ checks: unknown[] }>('c02', 'GET', '/api/duty-checks')).body.checks).toEqual([]);
    expect((await call('c02', 'POST', `/api/duty-checks/${q.id}/answer`, { code: codeOf(q) })).status).toBe(
      404,
    );
    expect(
      (await call('operator', 'POST', `/api/duty-checks/${q.id}/answer`, { code: codeOf(q) })).status,
    ).toBe(403);
    expect((await call('c01', 'POST', '/api/duty-checks', { company: 'C01' })).status).toBe(403);

    const res = await call<DutyAnswerResult>('c01', 'POST', `/api/duty-checks/${q.id}/answer`, {
      code: codeOf(q),
    });
    expect(res).toEqual({
      status: 200,
      body: { id: q.id, ok: true, status: 'in_time', message: 'answered in time' },
    });
    expect(await checkOf(q.id)).toMatchObject({ status: 'in_time', answeredBy: 'c01', via: 'dashboard' });
    await waitFor('the answer on c01’s /live', () =>
      live.c01.some((c) => c.id === q.id && c.status === 'in_time'),
    );
    expect(live.c02).toEqual([]);
  });

  it('marks a check missed at its deadline, and late once answered after it', async () => {
    const late = await ask(5);
    const missed = await ask(5);
    await waitFor(
      'both past their deadline',
      async () => (await checkOf(missed.id))?.status === 'missed',
      15_000,
    );
    expect((await checkOf(late.id))?.status).toBe('missed');
    await answer(late.id, { code: codeOf(late), by: '值班员李四' });
    await waitFor('the late answer taken', () => results.some((r) => r.id === late.id && r.ok));
    expect(results.find((r) => r.id === late.id && r.ok)?.status).toBe('late');
    expect(await checkOf(late.id)).toMatchObject({ status: 'late', answeredBy: '值班员李四' });
    expect((await checkOf(missed.id))?.status).toBe('missed');
  });

  it('makes the scorecard’s duty-check rate the measured one: 2 in time of 4 decided', async () => {
    const period = `from=${startedAt - 60_000}&to=${Date.now() + 60_000}`;
    const summary = await call<Array<{ company: string; rate: number | null }>>(
      'operator',
      'GET',
      `/api/duty-checks/summary?${period}`,
    );
    expect(summary.body.find((t) => t.company === 'C01')).toMatchObject({
      asked: 4,
      decided: 4,
      inTime: 2,
      late: 1,
      missed: 1,
      rate: 0.5,
    });
    const c01 = await call<{ dutyCheck: unknown; points: { dutyCheck: number } }>(
      'c01',
      'GET',
      `/api/scorecard/C01?${period}`,
    );
    expect(c01.status).toBe(200);
    expect(c01.body.dutyCheck).toEqual({
      rate: 0.5,
      source: 'measured',
      checks: { asked: 4, decided: 4, inTime: 2, late: 1, missed: 1 },
    });
    expect(c01.body.points.dutyCheck).toBe(5);
    const c02 = await call<{ dutyCheck: unknown }>('c02', 'GET', `/api/scorecard/C02?${period}`);
    expect(c02.body.dutyCheck).toEqual({ rate: 1, source: 'default' });
  });

  it('validates the settings and the asking', async () => {
    expect((await call('operator', 'PUT', '/api/duty-checks/settings', { perDay: 99 })).body).toMatchObject({
      statusCode: 400,
      message: expect.stringMatching(/perDay/),
    });
    expect(
      (await call('operator', 'PUT', '/api/duty-checks/settings', { perDay: 5, deadlineSec: 300 })).body,
    ).toEqual({
      perDay: 5,
      deadlineSec: 300,
      fromHour: 8,
      toHour: 20,
    });
    expect((await call('c01', 'GET', '/api/duty-checks/settings')).status).toBe(403);
    expect((await call('operator', 'POST', '/api/duty-checks', { company: 'C99' })).status).toBe(404);
    expect(
      (await call('operator', 'POST', '/api/duty-checks', { company: 'C01', deadlineSec: 1 })).status,
    ).toBe(400);
  });

  it('is answered over MQTT by the simulator’s person on duty, which changes the company’s measured rate', async () => {
    const responder = await dutyResponder(platform, ['C02']);
    try {
      const res = await call<{ id: string }>('operator', 'POST', '/api/duty-checks', {
        company: 'C02',
        deadlineSec: 5,
      });
      expect(res.status).toBe(202);
      let check: DutyCheckView | undefined;
      await waitFor('the simulator’s answer', async () => {
        const list = await call<{ checks: DutyCheckView[] }>(
          'operator',
          'GET',
          '/api/duty-checks?company=C02',
        );
        check = list.body.checks.find((c) => c.id === res.body.id);
        return check?.answeredAt !== undefined;
      });
      expect(check).toMatchObject({ status: 'in_time', answeredBy: 'C02值班员', via: 'mqtt' });
      const period = `from=${startedAt - 60_000}&to=${Date.now() + 60_000}`;
      const c02 = await call<{ dutyCheck: unknown }>('c02', 'GET', `/api/scorecard/C02?${period}`);
      expect(c02.body.dutyCheck).toEqual({
        rate: 1,
        source: 'measured',
        checks: { asked: 1, decided: 1, inTime: 1, late: 0, missed: 0 },
      });
    } finally {
      await responder.stop();
    }
  });
});
