import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import Redis from 'ioredis';
import { AlertStore, type AlertSubject } from '@lg/alerts';
import {
  names,
  type Alert,
  type AckResponse,
  type DeviceEvent,
  type LiveRecord,
  type Position,
  type Severity,
} from '@lg/contracts';
import { Leases } from '@lg/redis';
import { alertTransitionLine, readingLine } from '@lg/storage';
import { waitFor } from '@lg/services';
import { stageOpening, useGatewayHarness } from './gateway-harness';

/** The one other origin the test gateway lets browsers call it from (CORS_ORIGINS). */
const ALLOWED_ORIGIN = 'https://ops.example.gov.cn';
const OTHER_ORIGIN = 'https://evil.example.com';

describe('gateway (real Redis and InfluxDB)', () => {
  let redis: Redis;
  const db = 'gw_test';
  const prefix = `gw${randomBytes(4).toString('hex')}`;
  const n = names(prefix);
  let store: AlertStore;
  let leases: Leases;
  let clock = Date.parse('2026-05-01T08:00:00Z');

  /** Writes alert transitions the way the worker does: fenced by a partition lease. */
  async function stage(subject: AlertSubject, severity: Severity, message = 'test'): Promise<Alert> {
    clock += 1000;
    return stageOpening(redis, store, leases, n.partitionLease(0), { subject, severity, at: clock, message });
  }

  const truck = (device: string, owner: string, rule = 'truck.overspeed'): AlertSubject => ({
    rule,
    kind: 'truck',
    owner,
    device,
  });

  const influxWrite = (lines: string[]) => gw.influxWrite(lines);
  const api = (path: string, token?: string, init?: RequestInit) => gw.api(path, token, init);
  const postLogin = (body: object) => gw.postLogin(body);
  const login = (username: string, password?: string) => gw.login(username, password);

  const connect = (token: string | undefined) => gw.live(token);
  /** The operator's and c01's live clients, once each has had its first list of open alerts. */
  async function operatorAndC01(what: string) {
    const op = connect(operatorToken);
    const c01 = connect(c01Token);
    await waitFor(what, () => op.inbox.alerts.length === 1 && c01.inbox.alerts.length === 1);
    return { op, c01 };
  }

  let seeded: { c01: Alert; c02: Alert; gas: Alert };
  let operatorToken: string;
  let c01Token: string;

  const gw = useGatewayHarness(
    {
      name: 'gateway',
      db,
      prefix,
      registry: 'config/registry/minimal.json',
      env: {
        LOGIN_MAX_FAILURES: '3',
        CORS_ORIGINS: ALLOWED_ORIGIN,
        // The SMS provider's receipt route is live only with its secret; then it is held to a signature.
        SMS_RECEIPT_SECRET: 'receipts-secret-for-the-gateway-test-0123456789',
      },
      beforeGateway: async (r) => {
        redis = r;
        store = new AlertStore(redis, n);
        leases = new Leases(redis, 'test-worker', 60_000);
        expect(await leases.acquire(n.partitionLease(0))).toBe(true);
        seeded = {
          c01: await stage(truck('T001', 'C01'), 'red', 'T001 overspeed'),
          c02: await stage(truck('T004', 'C02'), 'orange', 'T004 overspeed'),
          gas: await stage(
            { rule: 'gas.lel', kind: 'gas', owner: 'P01', device: 'G001' },
            'orange',
            'G001 lel',
          ),
        };
        await redis.hset(
          n.presence,
          'T001',
          JSON.stringify({ lastSeen: clock, rx: clock + 50, online: true, changedAt: clock - 60_000 }),
        );
      },
    },
    async () => {
      [operatorToken, c01Token] = await Promise.all([login('operator'), login('c01')]);
    },
  );

  describe('login', () => {
    it('issues a token for a demo user and refuses a wrong password', async () => {
      const ok = await postLogin({ username: 'c01', password: 'c01' });
      expect(ok.status).toBe(200);
      expect(ok.body.user).toEqual({ username: 'c01', role: 'company', company: 'C01' });
      const me = await api('/api/auth/me', ok.body.token);
      expect(me.body).toEqual({ username: 'c01', role: 'company', company: 'C01' });

      const wrong = await postLogin({ username: 'operator', password: 'nope' });
      expect(wrong).toEqual({
        status: 401,
        body: { statusCode: 401, error: 'Unauthorized', message: 'wrong user name or password' },
      });
    });

    it('answers 429 after repeated failures for one user from one address', async () => {
      const attempt = () => postLogin({ username: 'c05', password: 'x' });
      for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
      const limited = await fetch(`${gw.base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'c05', password: 'x' }),
      });
      expect(limited.status).toBe(429);
      // The window is 5 minutes: the wait is whole seconds within it.
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter >= 1 && retryAfter <= 300).toBe(true);
      expect(await limited.json()).toEqual({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `too many failed logins for "c05" from this address: try again in ${retryAfter} s`,
      });
      // even the right password waits
      expect((await postLogin({ username: 'c05', password: 'c05' })).status).toBe(429);
      // another user from the same address is not affected
      expect((await postLogin({ username: 'c06', password: 'c06' })).status).toBe(200);
    });

    it('refuses missing and forged tokens with 401', async () => {
      expect(await api('/api/alerts')).toMatchObject({
        status: 401,
        body: { statusCode: 401, error: 'Unauthorized' },
      });
      expect((await api('/api/alerts', 'forged.token.value')).status).toBe(401);
    });

    it('answers bad bodies with JSON errors', async () => {
      const notJson = await fetch(`${gw.base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"username":',
      });
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      const huge = await postLogin({ username: 'x', password: 'y'.repeat(70_000) });
      expect(huge).toMatchObject({ status: 413, body: { statusCode: 413, error: 'Payload Too Large' } });
      const missing = await postLogin({ username: 'x' });
      expect(missing.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'password: is required',
      });
    });
  });

  describe('alerts', () => {
    it('lists every alert newest first for the operator, with filters', async () => {
      const all = await api('/api/alerts', operatorToken);
      expect(all.status).toBe(200);
      const ids = (all.body as Alert[]).map((a) => a.id);
      expect(ids.slice(-3)).toEqual([seeded.gas.id, seeded.c02.id, seeded.c01.id]);
      const gas = await api('/api/alerts?kind=gas', operatorToken);
      expect((gas.body as Alert[]).map((a) => a.id)).toEqual([seeded.gas.id]);
      const c02 = await api('/api/alerts?owner=C02&severity=orange&active=true', operatorToken);
      expect((c02.body as Alert[]).map((a) => a.id)).toEqual([seeded.c02.id]);
      const limited = await api('/api/alerts?limit=1', operatorToken);
      expect(limited.body).toHaveLength(1);
      const future = await api('/api/alerts?since=2100-01-01T00:00:00Z', operatorToken);
      expect(future.body).toEqual([]);
    });

    it('refuses a bad parameter with 400 naming it', async () => {
      const bad = await api('/api/alerts?severity=purple', operatorToken);
      expect(bad).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'severity: must be one of blue, yellow, orange, red, got "purple"',
        },
      });
      expect((await api('/api/alerts?limit=abc', operatorToken)).body.message).toMatch(/^limit: /);
      expect((await api('/api/alerts?activ=true', operatorToken)).body.message).toBe(
        'unknown query parameter activ',
      );
    });

    it('shows a company only its own trucks’ alerts', async () => {
      const mine = await api('/api/alerts', c01Token);
      expect(mine.status).toBe(200);
      const owners = new Set((mine.body as Alert[]).map((a) => a.owner));
      expect([...owners]).toEqual(['C01']);
      expect((mine.body as Alert[]).some((a) => a.id === seeded.c01.id)).toBe(true);
      expect(await api(`/api/alerts/${encodeURIComponent(seeded.c02.id)}`, c01Token)).toMatchObject({
        status: 404,
        body: { statusCode: 404, error: 'Not Found' },
      });
      expect((await api(`/api/alerts/${encodeURIComponent(seeded.gas.id)}/history`, c01Token)).status).toBe(
        404,
      );
      const ackOther = await api(`/api/alerts/${encodeURIComponent(seeded.c02.id)}/ack`, c01Token, {
        method: 'POST',
        body: JSON.stringify({ note: 'not mine' }),
      });
      expect(ackOther.status).toBe(404);
      expect((await store.get(seeded.c02.id))?.acknowledged).toBe(false);
      expect((await api('/api/alerts?kind=gas', c01Token)).status).toBe(403);
      expect((await api('/api/alerts?owner=C02', c01Token)).status).toBe(403);
    });

    it('acknowledges with a note, idempotently, and keeps the history', async () => {
      const path = `/api/alerts/${encodeURIComponent(seeded.gas.id)}/ack`;
      const tooLong = await api(path, operatorToken, {
        method: 'POST',
        body: JSON.stringify({ note: 'x'.repeat(501) }),
      });
      expect(tooLong.body).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'note: must be at most 500 characters',
      });
      const acked = await api(path, operatorToken, {
        method: 'POST',
        body: JSON.stringify({ note: '已通知管网单位' }),
      });
      expect(acked.status).toBe(200);
      expect(acked.body).toMatchObject({
        id: seeded.gas.id,
        acknowledged: true,
        ackedBy: 'operator',
        note: '已通知管网单位',
      });
      const again = await api(path, operatorToken, {
        method: 'POST',
        body: JSON.stringify({ note: 'second' }),
      });
      expect(again.body).toMatchObject({
        acknowledged: true,
        note: '已通知管网单位',
        ackedAt: acked.body.ackedAt,
      });

      // ingest stores transitions from the live stream in InfluxDB; here we write them as it does.
      const entries = await redis.xrange(n.live, '-', '+');
      const lines = entries
        .map(([, fields]) => JSON.parse(fields[1]) as LiveRecord)
        .filter(
          (r): r is Extract<LiveRecord, { t: 'alert' }> => r.t === 'alert' && r.alert.id === seeded.gas.id,
        )
        .map((r) => alertTransitionLine(r.transition, r.alert));
      expect(lines).toHaveLength(2);
      await influxWrite(lines);
      const history = await api(`/api/alerts/${encodeURIComponent(seeded.gas.id)}/history`, operatorToken);
      expect(history.status).toBe(200);
      expect(history.body).toMatchObject([
        { alertId: seeded.gas.id, type: 'opened', by: 'system', severity: 'orange' },
        { alertId: seeded.gas.id, type: 'acknowledged', by: 'operator', note: '已通知管网单位' },
      ]);
      expect((await api('/api/alerts/no~such~alert/ack', operatorToken, { method: 'POST' })).status).toBe(
        404,
      );
    });
  });

  describe('devices and readings', () => {
    beforeAll(async () => {
      const t0 = Date.parse('2026-05-01T07:00:00Z');
      const lines: string[] = [];
      for (let i = 0; i < 10; i++) {
        for (const [device, owner] of [
          ['T001', 'C01'],
          ['T004', 'C02'],
        ]) {
          lines.push(
            readingLine({
              t: 'r',
              kind: 'truck',
              owner,
              device,
              ts: t0 + i * 10_000,
              rx: t0 + i * 10_000 + 100,
              q: 'ok',
              f: { lat: 22.7 + i * 0.001, lon: 114.2, speed: 40 + i, heading: 90 },
            }),
          );
        }
        lines.push(
          readingLine({
            t: 'r',
            kind: 'gas',
            owner: 'P01',
            device: 'G001',
            ts: t0 + i * 30_000,
            rx: t0,
            q: 'ok',
            f: { lel: i },
          }),
        );
      }
      // A JT/T 808 terminal without a position fix: stored, unqualified, never drawn on a track.
      lines.push(
        readingLine({
          t: 'r',
          kind: 'truck',
          owner: 'C01',
          device: 'T002',
          ts: t0 + 5_000,
          rx: t0 + 5_100,
          q: 'bad',
          why: ['no_fix'],
          f: { lat: 22.6, lon: 114.1, speed: 0, fix: false },
        }),
      );
      await influxWrite(lines);
    });

    it('lists the registry with presence, scoped to the user', async () => {
      const all = await api('/api/devices', operatorToken);
      expect(all.body).toHaveLength(9);
      const t001 = (all.body as Array<{ id: string; lastSeen: string | null; online: boolean }>).find(
        (d) => d.id === 'T001',
      );
      expect(t001).toMatchObject({
        kind: 'truck',
        owner: 'C01',
        plate: '粤B10137危',
        plateColor: 2,
        terminal: '013807550001',
        online: true,
        lastSeen: new Date(clock).toISOString(),
      });
      const t002 = (all.body as Array<{ id: string }>).find((d) => d.id === 'T002');
      expect(t002).toMatchObject({ lastSeen: null, online: false });
      const mine = await api('/api/devices', c01Token);
      expect((mine.body as Array<{ id: string }>).map((d) => d.id)).toEqual(['T001', 'T002', 'T003']);
    });

    it('serves a truck track and refuses another company’s truck as not found', async () => {
      const q = '?from=2026-05-01T06:59:00Z&to=2026-05-01T08:00:00Z';
      const track = await api(`/api/trucks/T001/track${q}`, c01Token);
      expect(track.status).toBe(200);
      expect(track.body).toMatchObject({ id: 'T001', owner: 'C01', truncated: false });
      expect(track.body.points).toHaveLength(10);
      expect(track.body.points[0]).toEqual({
        ts: '2026-05-01T07:00:00.000Z',
        lat: 22.7,
        lon: 114.2,
        speed: 40,
        heading: 90,
        q: 'ok',
      });
      expect(await api(`/api/trucks/T004/track${q}`, c01Token)).toMatchObject({
        status: 404,
        body: { message: 'truck T004 not found' },
      });
      expect((await api(`/api/trucks/T004/track${q}`, operatorToken)).body.points).toHaveLength(10);
      expect((await api(`/api/trucks/T002/track${q}`, c01Token)).body.points).toEqual([]);
      expect((await api('/api/trucks/NOPE/track', operatorToken)).status).toBe(404);
      expect((await api('/api/trucks/T001/track?from=yesterday', c01Token)).body.message).toMatch(/^from: /);
    });

    it('gives a track the speed limit the overspeed rule applies to the truck now', async () => {
      const q = '?from=2026-05-01T06:59:00Z&to=2026-05-01T08:00:00Z';
      expect((await api(`/api/trucks/T001/track${q}`, c01Token)).body.roadLimitKmh).toBe(60);
      const put = await api('/api/rules/truck.overspeed', operatorToken, {
        method: 'PUT',
        body: JSON.stringify({ owners: { C01: { roadLimitKmh: 50 } } }),
      });
      try {
        expect(put.status).toBe(200);
        expect((await api(`/api/trucks/T001/track${q}`, c01Token)).body.roadLimitKmh).toBe(50);
        expect((await api(`/api/trucks/T004/track${q}`, operatorToken)).body.roadLimitKmh).toBe(60);
      } finally {
        await api('/api/rules/truck.overspeed', operatorToken, { method: 'PUT', body: JSON.stringify({}) });
      }
    });

    it('serves series, raw and per bucket, with field validation and tenant rules', async () => {
      const q = 'from=2026-05-01T07:00:00Z&to=2026-05-01T07:10:00Z';
      const raw = await api(`/api/devices/G001/series?field=lel&${q}`, operatorToken);
      expect(raw.status).toBe(200);
      expect(raw.body.points).toHaveLength(10);
      expect(raw.body.points[3]).toEqual({ ts: '2026-05-01T07:01:30.000Z', value: 3, q: 'ok' });
      const mean = await api(`/api/devices/G001/series?field=lel&every=1m&${q}`, operatorToken);
      expect(mean.body.every).toBe('1m');
      expect(mean.body.points[0]).toEqual({ ts: '2026-05-01T07:00:00.000Z', value: 0.5, count: 2 });
      expect((await api(`/api/devices/G001/series?field=speed&${q}`, operatorToken)).body.message).toMatch(
        /field: "speed" is not a field of a gas device/,
      );
      expect(
        (
          await api(
            `/api/devices/G001/series?field=lel&every=1s&from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z`,
            operatorToken,
          )
        ).status,
      ).toBe(400);
      expect(await api(`/api/devices/G001/series?field=lel&${q}`, c01Token)).toMatchObject({
        status: 403,
        body: { statusCode: 403, error: 'Forbidden' },
      });
      expect((await api(`/api/devices/T004/series?field=speed&${q}`, c01Token)).status).toBe(404);
      expect((await api(`/api/devices/T001/series?field=speed&${q}`, c01Token)).body.points).toHaveLength(10);
    });
  });

  describe('live feed', () => {
    it('refuses a connection without a valid token', async () => {
      for (const token of [undefined, 'bad-token']) {
        const { socket } = connect(token);
        const message = await new Promise<string>((resolve) =>
          socket.once('connect_error', (err) => resolve(err.message)),
        );
        expect(message).toBe('unauthorized');
      }
    });

    it('pushes alerts to the rooms allowed to see them and takes acknowledgements', async () => {
      const { op, c01 } = await operatorAndC01('both clients to get the open alerts');
      const opOpen = op.inbox.alerts[0].map((a) => a.id);
      expect(opOpen).toEqual(expect.arrayContaining([seeded.c01.id, seeded.c02.id]));
      expect(c01.inbox.alerts[0].every((a) => a.owner === 'C01' && a.kind === 'truck')).toBe(true);
      expect(c01.inbox.alerts[0].map((a) => a.id)).toContain(seeded.c01.id);

      const other = await stage(truck('T005', 'C02'), 'yellow');
      const mine = await stage(truck('T002', 'C01'), 'orange');
      await waitFor('the operator to get both alerts', () =>
        [other.id, mine.id].every((id) => op.inbox.alert.some((a) => a.id === id)),
      );
      // The stream is read in order: once c01 has its own, the other company's would have come before.
      await waitFor('c01 to get its alert', () => c01.inbox.alert.some((a) => a.id === mine.id));
      expect(c01.inbox.alert.some((a) => a.owner !== 'C01')).toBe(false);

      const refused: AckResponse = await c01.socket.emitWithAck('alert:ack', { id: other.id });
      expect(refused).toEqual({ ok: false, error: `alert ${other.id} not found` });
      expect((await store.get(other.id))?.acknowledged).toBe(false);
      const invalid: AckResponse = await c01.socket.emitWithAck('alert:ack', {
        id: mine.id,
        note: 'x'.repeat(501),
      });
      expect(invalid).toEqual({ ok: false, error: 'note: must be at most 500 characters' });

      const acked: AckResponse = await c01.socket.emitWithAck('alert:ack', {
        id: mine.id,
        note: '司机已减速',
      });
      expect(acked).toMatchObject({
        ok: true,
        alert: { id: mine.id, acknowledged: true, ackedBy: 'c01', note: '司机已减速' },
      });
      await waitFor('the operator to see the acknowledgement', () =>
        op.inbox.alert.some((a) => a.id === mine.id && a.acknowledged),
      );
      expect((await store.get(mine.id))?.acknowledged).toBe(true);
    });

    it('pushes device events and positions by tenant', async () => {
      const { op, c01 } = await operatorAndC01('both clients to connect');
      const event = (id: string, kind: DeviceEvent['kind'], owner: string): DeviceEvent => ({
        id,
        kind,
        owner,
        online: false,
        ts: new Date(clock).toISOString(),
      });
      for (const d of [
        event('SL-S01-1', 'slope', 'S01'),
        event('T004', 'truck', 'C02'),
        event('T003', 'truck', 'C01'),
      ]) {
        await redis.xadd(n.live, '*', 'j', JSON.stringify({ t: 'device', device: d } satisfies LiveRecord));
      }
      await waitFor('c01 to get its truck’s event', () => c01.inbox.device.some((d) => d.id === 'T003'));
      await waitFor('the operator to get all three', () => op.inbox.device.length === 3);
      expect(c01.inbox.device.map((d) => d.id)).toEqual(['T003']);

      const ts = new Date(clock).toISOString();
      const positions: Position[] = [
        { id: 'T001', owner: 'C01', lat: 22.71, lon: 114.21, speed: 50, heading: 90, ts },
        { id: 'T004', owner: 'C02', lat: 22.72, lon: 114.22, speed: 30, heading: null, ts },
      ];
      await redis.publish(n.positionsChannel, JSON.stringify(positions));
      await waitFor('the operator to get both positions', () => op.inbox.positions.flat().length === 2);
      await waitFor('c01 to get its truck’s position', () => c01.inbox.positions.flat().length >= 1);
      expect(c01.inbox.positions.flat().map((p) => p.id)).toEqual(['T001']);

      // A client that connects later gets the newest positions it may see right away.
      const late = connect(c01Token);
      await waitFor('the late client to get positions', () => late.inbox.positions.length === 1);
      expect(late.inbox.positions[0].map((p) => p.id)).toEqual(['T001']);
    });
  });

  describe('hardening', () => {
    /** A raw HTTP exchange, for what fetch hides or refuses to send (huge or chunked bodies). */
    function raw(
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: { size: number; chunked?: boolean },
    ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
      return new Promise((resolve, reject) => {
        const req = request(`${gw.base}${path}`, { method, headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
          res.on('error', reject);
        });
        // The server may answer and close before it has read everything: that is the point.
        req.on('error', (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
        });
        if (!body) {
          req.end();
          return;
        }
        // A JSON document of `size` bytes: {"username":"x","password":"yyyy…"}.
        const head = '{"username":"x","password":"';
        const tail = '"}';
        const chunk = 'y'.repeat(64 * 1024);
        let left = body.size - head.length - tail.length;
        req.write(head);
        const pump = (): void => {
          while (left > 0) {
            const part = chunk.slice(0, Math.min(chunk.length, left));
            left -= part.length;
            if (!req.write(part)) {
              req.once('drain', pump);
              return;
            }
          }
          req.end(tail);
        };
        pump();
      });
    }

    it('lets browsers of the configured origins call the API, and no others', async () => {
      const preflight = (origin: string) =>
        fetch(`${gw.base}/api/alerts`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'GET',
            'access-control-request-headers': 'authorization',
          },
        });
      const allowed = await preflight(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-methods')).toContain('GET');
      const other = await preflight(OTHER_ORIGIN);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();

      const get = (origin: string) =>
        fetch(`${gw.base}/api/alerts`, { headers: { origin, authorization: `Bearer ${operatorToken}` } });
      expect((await get(ALLOWED_ORIGIN)).headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect((await get(OTHER_ORIGIN)).headers.get('access-control-allow-origin')).toBeNull();
    });

    it('lets the live feed’s handshake in only from the gateway itself and the configured origins', async () => {
      const handshake = (origin: string) =>
        fetch(`${gw.base}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
      const allowed = await handshake(ALLOWED_ORIGIN);
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(await allowed.text()).toMatch(/^0\{"sid":/);
      const own = await handshake(new URL(gw.base).origin);
      expect(own.status).toBe(200);
      await own.text();
      const other = await handshake(OTHER_ORIGIN);
      expect(other.status).toBe(403);
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      await other.text();

      // Over WebSocket too, even with a valid token.
      const ws = (origin: string) => {
        const socket = gw.socket(operatorToken, { headers: { origin } });
        return new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (err) => resolve(`refused: ${err.message}`));
        });
      };
      expect(await ws(ALLOWED_ORIGIN)).toBe('connected');
      expect(await ws(OTHER_ORIGIN)).toMatch(/^refused: /);
    });

    it('answers a JSON body over 64 KiB with 413 in JSON, up to 10 MB and chunked, and keeps serving', async () => {
      const expected = {
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'request body is too large (limit 64 KiB)',
      };
      for (const [method, path, size, chunked] of [
        ['POST', '/api/auth/login', 10 * 1024 * 1024, false],
        ['POST', '/api/auth/login', 1024 * 1024, true],
        ['PUT', '/api/rules/gas.lel', 10 * 1024 * 1024, false],
        ['POST', '/api/alerts/x/ack', 65 * 1024 + 1, false],
      ] as const) {
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          authorization: `Bearer ${operatorToken}`,
          ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(size) }),
        };
        const res = await raw(method, path, headers, { size, chunked });
        expect([path, res.status, JSON.parse(res.text)]).toEqual([path, 413, expected]);
      }
      // Still up, and a body just under the limit is read as usual.
      expect((await api('/health')).status).toBe(200);
      const under = await postLogin({ username: 'x', password: 'y'.repeat(60 * 1024) });
      expect(under).toMatchObject({ status: 400, body: { message: 'password: is too long' } });
    });

    it('requires a valid token on every REST route but login, health, readiness, metrics and the docs', async () => {
      // Every route the gateway serves, as Express knows them (not only the documented ones).
      type Layer = { route?: { path: string; methods: Record<string, boolean> } };
      const express = gw.app.getHttpAdapter().getInstance() as {
        router?: { stack: Layer[] };
        _router?: { stack: Layer[] };
      };
      const routes = (express.router ?? express._router)!.stack.flatMap((layer) =>
        layer.route
          ? Object.keys(layer.route.methods).map((m) => ({
              method: m.toUpperCase(),
              path: layer.route!.path,
            }))
          : [],
      );
      const isPublic = (r: { method: string; path: string }) =>
        (r.method === 'POST' && r.path === '/api/auth/login') ||
        ['/health', '/ready', '/metrics'].includes(r.path) ||
        r.path.startsWith('/api/docs') ||
        // Acknowledgement links of notifications: the signed link is the credential (docs/notifications.md).
        r.path === '/ack/:token';
      const guarded = routes.filter((r) => !isPublic(r));
      // The enumeration sees the whole API: a route added later is checked without touching this test.
      expect(guarded.map((r) => `${r.method} ${r.path}`)).toEqual(
        expect.arrayContaining([
          'GET /api/alerts',
          'POST /api/alerts/:id/ack',
          'GET /api/alerts/:id/history',
          'GET /api/alerts/:id/notifications',
          'GET /api/devices',
          'GET /api/trucks/:id/track',
          'GET /api/devices/:id/series',
          'GET /api/rules',
          'PUT /api/rules/:rule',
          'GET /api/map',
          'GET /api/scorecard',
          'PUT /api/scorecard/settings',
          'GET /api/scorecard/:companyId/export',
          'GET /api/auth/me',
        ]),
      );
      const forged = `${operatorToken.slice(0, -4)}AAAA`;
      for (const r of guarded) {
        const path = r.path.replace(/:[A-Za-z]+/g, (p) =>
          p === ':rule' ? 'gas.lel' : p === ':companyId' ? 'C01' : 'T001',
        );
        for (const token of [undefined, forged, 'not-a-jwt']) {
          const res = await api(path, token, r.method === 'GET' ? {} : { method: r.method, body: '{}' });
          expect([r.method, path, token === undefined ? 'no token' : 'bad token', res.status]).toEqual([
            r.method,
            path,
            token === undefined ? 'no token' : 'bad token',
            401,
          ]);
          expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
        }
      }
      // The public ones answer without a token.
      for (const path of ['/health', '/ready', '/metrics', '/api/docs/openapi.json'])
        expect((await api(path)).status).toBe(200);
      // A link without a valid signature shows a page saying so, and acknowledges nothing.
      for (const method of ['GET', 'POST']) {
        const res = await fetch(`${gw.base}/ack/0-0.${'A'.repeat(22)}.gas.lel~G001~1`, { method });
        expect(res.status).toBe(403);
        expect(await res.text()).toContain('Link not valid');
      }
      expect(
        routes
          .filter((r) => r.path === '/ack/:token')
          .map((r) => r.method)
          .sort(),
      ).toEqual(['GET', 'POST']);
    });

    it('refuses the main namespace and unknown ones, with or without a token', async () => {
      const attempt = (path: string, token?: string) => {
        const socket = gw.socket(token, { path });
        return new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (err) => resolve(err.message));
        });
      };
      expect(await attempt('/')).toBe('namespace / is not served: connect to /live with auth: {token}');
      expect(await attempt('/', operatorToken)).toBe(
        'namespace / is not served: connect to /live with auth: {token}',
      );
      expect(await attempt('/admin')).toBe('Invalid namespace');
      expect(await attempt('/admin', operatorToken)).toBe('Invalid namespace');
      expect(await attempt('/live')).toBe('unauthorized');
      expect(await attempt('/live', operatorToken)).toBe('connected');
    });
  });

  describe('operations', () => {
    it('reports ready with Redis and InfluxDB up, and serves health, metrics, docs and the dashboard', async () => {
      const ready = await api('/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        ready: true,
        dependencies: { redis: { ok: true }, influxdb: { ok: true } },
      });
      expect((await api('/health')).body).toMatchObject({ status: 'ok', app: 'gateway' });
      const metrics = await api('/metrics');
      expect(metrics.body).toMatch(/lg_gateway_logins_total\{outcome="ok"/);
      expect(metrics.body).toMatch(/lg_gateway_live_connections/);
      const openapi = await api('/api/docs/openapi.json');
      expect(openapi.body.components.securitySchemes.bearer).toMatchObject({
        type: 'http',
        scheme: 'bearer',
      });
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining([
          '/api/auth/login',
          '/api/alerts',
          '/api/alerts/{id}/ack',
          '/api/devices/{id}/series',
        ]),
      );
      expect((await fetch(`${gw.base}/api/docs`)).status).toBe(200);
      const page = await fetch(`${gw.base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      // The built dashboard (dist/dashboard): its bundle is served too.
      const script = /<script type="module" crossorigin src="([^"]+)"/.exec(await page.text())?.[1];
      expect(script).toMatch(/^\/assets\/.+\.js$/);
      expect((await fetch(`${gw.base}${script}`)).status).toBe(200);
      expect((await fetch(`${gw.base}/socket.io/socket.io.js`)).status).toBe(200);
      expect(await api('/api/nothing-here', operatorToken)).toMatchObject({
        status: 404,
        body: { statusCode: 404, error: 'Not Found' },
      });
    });
  });
});
