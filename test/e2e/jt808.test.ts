import { connect } from 'node:net';
import { encodePacket, REGISTER_RESULT, RESULT, item, type Fix } from '@lg/jt808';
import { waitFor } from '@lg/services';
import { Jt808Terminal, type TerminalIdentity } from '@lg/simulators/jt808/terminal';
import { startJt808Fleet } from '@lg/simulators/jt808/fleet';
import { simulateDevices } from '@lg/simulators/devices';
import { LiveClient, terminalIdentity, usePlatformStand } from './helpers';

/**
 * Real JT/T 808 terminals, end to end: simulated terminals speak the protocol over TCP to the built JT/T
 * 808 gateway (a process), with the ingest, worker and gateway apps and real Redis, InfluxDB and Mosquitto
 * behind it. Registration against the registry, authentication, reports into InfluxDB, the SOS bit opening
 * the alert on /live, a text message from the API answered by the terminal, one connection per terminal,
 * bad input, and a kill -9 of the gateway that loses nothing a terminal was told was taken.
 */
describe('JT/T 808 gateway, end to end', () => {
  let operatorToken = '';
  const stand = usePlatformStand({ apps: ['ingest', 'worker', 'gateway', 'jt808'] }, async (s) => {
    operatorToken = await s.login('operator');
  });

  const identity = (id: string, extra: Partial<TerminalIdentity> = {}) =>
    terminalIdentity(stand.platform, id, extra);
  const open = async (id: string, extra: Partial<TerminalIdentity> = {}) => {
    const t = await Jt808Terminal.connect('127.0.0.1', stand.platform.jt808Port(), identity(id, extra));
    stand.onStop(() => t.close());
    return t;
  };
  const points = (device: string, where = '') =>
    stand.platform.influxQuery(`SELECT * FROM "raw_truck"."truck" WHERE "device" = '${device}' ${where}`);
  const fix = (ts: number, extra: Partial<Fix> = {}): Fix => ({
    ts,
    lat: 22.72,
    lon: 114.2468,
    speed: 42.5,
    heading: 87,
    altitude: 35,
    items: [item.mileageKm(1234.5), item.satellites(9)],
    ...extra,
  });

  it('registers a terminal of the registry, authenticates it and stores its report as a truck reading', async () => {
    const t = await open('T001');
    const code = await t.logIn();
    expect(code).toMatch(/^[0-9A-F]{16}$/);
    const ts = Math.floor(Date.now() / 1000) * 1000 - 5000;
    expect(await t.report(fix(ts))).toBe(RESULT.success);
    expect(await t.heartbeat()).toBe(RESULT.success);
    await waitFor('the report in InfluxDB', async () => (await points('T001')).length === 1, 20_000);
    const [p] = await points('T001');
    expect(p).toMatchObject({
      time: ts,
      owner: 'C01',
      q: 'ok',
      lat: 22.72,
      lon: 114.2468,
      speed: 42.5,
      heading: 87,
      alt: 35,
      sats: 9,
      alarm: 0,
      ignition: true,
      fix: true,
    });
    // The device view names the terminal, and the truck is online.
    const devices = (await (
      await fetch(`${stand.gateway}/api/devices`, { headers: { authorization: `Bearer ${operatorToken}` } })
    ).json()) as Array<{ id: string; terminal?: string; online: boolean }>;
    expect(devices.find((d) => d.id === 'T001')).toMatchObject({ terminal: '013807550001' });
  });

  it('answers registrations with the standard result codes and refuses the unauthenticated', async () => {
    const stranger = await open('T002', { terminal: '013899999999' });
    expect((await stranger.register()).result).toBe(REGISTER_RESULT.noSuchTerminal);
    const wrongPlate = await open('T002', { plate: '粤B00000' });
    expect((await wrongPlate.register()).result).toBe(REGISTER_RESULT.noSuchVehicle);
    const otherPlate = await open('T002', { plate: stand.platform.registry.device('T003')!.plate });
    expect((await otherPlate.register()).result).toBe(REGISTER_RESULT.vehicleRegistered);
    const first = await open('T002', { terminalId: 'HW00001' });
    expect((await first.register()).result).toBe(REGISTER_RESULT.success);
    const clone = await open('T002', { terminalId: 'HW99999' });
    expect((await clone.register()).result).toBe(REGISTER_RESULT.terminalRegistered);
    expect(await clone.authenticate('not-the-code')).toBe(RESULT.failure);
    expect(await clone.report(fix(Date.now() - 1000))).toBe(RESULT.failure);
    expect(
      await clone.request({ type: 'unsupported', msgId: 0x0900, raw: Buffer.from('01', 'hex') }),
    ).toMatchObject({ body: { type: 'platformResponse', replyId: 0x0900, result: RESULT.notSupported } });
    expect(await points('T002')).toEqual([]);
  });

  it('takes a 2019 terminal, a blind-area batch, and an unpositioned fix stored as no_fix', async () => {
    const t = await open('T003', { version: '2019', terminalId: 'LG2019TERMINAL000000000000003' });
    await t.logIn();
    const base = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    expect(await t.batch([fix(base), fix(base + 1000), fix(base + 2000)], true)).toBe(RESULT.success);
    expect(await t.report(fix(base + 3000, { positioned: false, lat: 0, lon: 0 }))).toBe(RESULT.success);
    await waitFor('four T003 points', async () => (await points('T003')).length === 4, 20_000);
    const unpositioned = await points('T003', `AND time = ${(base + 3000) * 1e6}`);
    expect(unpositioned).toMatchObject([{ q: 'bad', fix: false }]);
    expect(String(unpositioned[0].why)).toContain('no_fix');
    // Stored, but never drawn: the track leaves it out.
    const track = (await (
      await fetch(
        `${stand.gateway}/api/trucks/T003/track?from=${new Date(base - 1000).toISOString()}&to=${new Date(base + 10_000).toISOString()}`,
        { headers: { authorization: `Bearer ${operatorToken}` } },
      )
    ).json()) as { points: unknown[] };
    expect(track.points).toHaveLength(3);
  });

  it('opens the SOS alert on /live from the emergency bit of the alarm word', async () => {
    const live = await LiveClient.connect(stand.gateway, operatorToken);
    try {
      const t = await open('T005');
      await t.logIn();
      expect(await t.report(fix(Date.now() - 500, { alarm: 0b1 }))).toBe(RESULT.success);
      const alert = await live.waitForAlert(
        (a) => a.rule === 'truck.sos' && a.device === 'T005',
        'the truck.sos alert of T005',
        20_000,
      );
      expect(alert).toMatchObject({ severity: 'red', active: true, owner: 'C02', value: '0x00000001' });
    } finally {
      live.close();
    }
  });

  it('relays a text message and a location query from the API to the terminal and returns its answers', async () => {
    const t = await open('T006');
    await t.logIn();
    const post = (id: string, body: unknown, token = operatorToken) =>
      fetch(`${stand.gateway}/api/devices/${id}/text`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const res = await post('T006', { text: '请立即靠边停车，联系调度' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ device: 'T006', answered: true, result: RESULT.success });
    expect(t.texts).toEqual([{ serial: expect.any(Number), flags: 0x0c, text: '请立即靠边停车，联系调度' }]);

    // A location query: the terminal answers with its position (0x0201), returned and stored.
    expect(await t.report(fix(Date.now() - 10_000, { lat: 22.65, lon: 114.3 }))).toBe(RESULT.success);
    const locate = (token = operatorToken) =>
      fetch(`${stand.gateway}/api/devices/T006/locate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
    const located = await locate();
    expect(located.status).toBe(200);
    expect(await located.json()).toMatchObject({ device: 'T006', lat: 22.65, lon: 114.3, positioned: true });
    await waitFor('the location answer stored', async () => (await points('T006')).length === 2, 20_000);

    t.answerTexts = false;
    const silent = await post('T006', { text: 'no answer', flags: 1 });
    expect(await silent.json()).toMatchObject({ answered: false });

    const company = await stand.login('c01');
    expect((await post('T006', { text: 'x' }, company)).status).toBe(403);
    expect((await locate(company)).status).toBe(403);
    expect((await post('T150', { text: 'x' })).status).toBe(409);
    expect((await post('G001', { text: 'x' })).status).toBe(404);
    expect(await (await post('T006', { text: '' })).json()).toMatchObject({
      statusCode: 400,
      message: 'text: must not be empty',
    });
    expect(await (await post('T006', { text: '🚚' })).json()).toMatchObject({
      statusCode: 400,
      message: 'text: "🚚" (U+1F69A) cannot be written in GBK',
    });
  });

  it('keeps one connection per terminal: a second one replaces the first, with the stored code', async () => {
    const first = await open('T007');
    const code = await first.logIn();
    const second = await open('T007');
    expect(await second.authenticate(code)).toBe(RESULT.success);
    await waitFor('the first connection closed', () => first.closed, 10_000);
    expect(await second.report(fix(Date.now() - 100))).toBe(RESULT.success);
  });

  it('closes a connection that sends an endless frame, and answers a short body as a message error', async () => {
    const t = await open('T008');
    await t.logIn();
    // A 0x0200 whose body is too short for a position report: "message error", and the connection stays.
    const shortBody = await t.request({ type: 'unsupported', msgId: 0x0200, raw: Buffer.alloc(10) });
    expect(shortBody.body).toMatchObject({ type: 'platformResponse', result: RESULT.messageError });
    // A terminal number with hex nibbles and a short body: answered under the number it sent.
    const odd = t.waitFor('512:777', 10_000);
    t.write(
      encodePacket(
        { msgId: 0x0200, version: '2013', terminal: '01380abcdef0', serial: 777, encryption: 0 },
        Buffer.alloc(3),
      ),
    );
    expect(await odd).toMatchObject({
      header: { terminal: '01380abcdef0' },
      body: { type: 'platformResponse', result: RESULT.messageError },
    });
    // Bytes with a wrong check code: no answer (the terminal sends again), the connection stays.
    t.write(Buffer.from('7e000200000138075500080000ff7e', 'hex'));
    expect(await t.heartbeat()).toBe(RESULT.success);
    const raw = connect({ host: '127.0.0.1', port: stand.platform.jt808Port() });
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    raw.on('error', () => undefined);
    raw.write(Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(5000, 0x31)]));
    await closed;
    const metrics = await (await fetch(`${stand.platform.url('jt808')}/metrics`)).text();
    expect(metrics).toMatch(/lg_jt808_bad_frames_total\{reason="too_large"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/lg_jt808_bad_frames_total\{reason="check_code"[^}]*\} [1-9]/);
  });

  it('drives demo trucks as JT/T 808 terminals (npm run sim -- run --protocol jt808)', async () => {
    const trucks = ['T010', 'T011', 'T012'].map((id) => stand.platform.registry.device(id)!);
    const fleet = await startJt808Fleet({
      host: '127.0.0.1',
      port: stand.platform.jt808Port(),
      trucks: simulateDevices(trucks),
      speedup: 10,
    });
    try {
      await waitFor(
        'two stored reports of each simulated truck',
        async () => {
          for (const t of trucks) if ((await points(t.id)).length < 2) return false;
          return true;
        },
        30_000,
        250,
      );
    } finally {
      await fleet.stop();
    }
    const stats = fleet.stats();
    expect(stats).toMatchObject({ devices: 3, refused: 0, failed: 0 });
    expect(stats.accepted).toBeGreaterThanOrEqual(6);
  });

  it('loses nothing a terminal was told was taken when the gateway is killed mid-report', async () => {
    const t = await open('T009');
    const code = await t.logIn();
    const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
    const taken: number[] = [];
    const inFlight: Array<Promise<void>> = [];
    let killed = false;
    // Reports go out back to back, without waiting for answers, until the gateway dies under them.
    let sent = 0;
    for (let i = 0; i < 3000 && !t.closed; i++) {
      const ts = base + i * 1000;
      sent++;
      inFlight.push(
        t.report(fix(ts), 30_000).then(
          (r) => {
            if (r === RESULT.success) taken.push(ts);
          },
          () => undefined,
        ),
      );
      if (i === 300) {
        await waitFor('some reports taken', () => taken.length >= 50, 20_000);
        void stand.platform.kill('jt808').then(() => (killed = true));
      }
      if (i % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    await waitFor('the gateway killed', () => killed, 20_000);
    await Promise.all(inFlight);
    expect(taken.length).toBeGreaterThanOrEqual(50);
    // The kill came mid-report: some reports were never answered.
    expect(sent).toBeGreaterThan(taken.length);
    process.stdout.write(`JT/T 808 kill -9: ${sent} reports sent, ${taken.length} taken before the kill\n`);

    // Every report the terminal was told was taken reaches InfluxDB.
    await waitFor(
      `all ${taken.length} taken reports of T009 in InfluxDB`,
      async () => (await points('T009')).length >= taken.length,
      60_000,
      500,
    );
    const stored = new Set((await points('T009')).map((p) => p.time as number));
    expect(taken.filter((ts) => !stored.has(ts))).toEqual([]);

    // Back up, the terminal re-authenticates with the code Redis kept, and goes on.
    await stand.platform.restart('jt808', 'jt808');
    const again = await open('T009');
    expect(await again.authenticate(code)).toBe(RESULT.success);
    expect(await again.report(fix(base + 3_500_000))).toBe(RESULT.success);
  });
});
