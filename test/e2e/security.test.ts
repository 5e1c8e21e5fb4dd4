import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { IClientOptions, MqttClient } from 'mqtt';
import type { Alert, Rejection } from '@lg/contracts';
import { reloadMosquitto, waitFor } from '@lg/services';
import { Platform } from '@lg/testing';
import { LiveClient, login, mqttClientAs } from './helpers';

const run = promisify(execFile);

interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** An MQTT v5 connection that records what it receives and whether the broker closed it. */
class Conn {
  readonly got: Received[] = [];
  closed = false;
  private readonly whenClosed: Promise<never>;

  constructor(readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) =>
      this.got.push({ topic, payload: payload.toString(), retain: packet.retain }),
    );
    this.whenClosed = new Promise<never>((_resolve, reject) =>
      client.once('close', () => {
        this.closed = true;
        reject(new Error(`${client.options.username ?? '?'}: connection closed`));
      }),
    );
    this.whenClosed.catch(() => undefined);
  }

  /**
   * QoS 1; resolves with the PUBACK reason code (0x00 accepted, 0x10 no subscribers, ≥ 0x80 refused) and
   * rejects if the broker closes the connection first.
   */
  async publish(topic: string, payload: string, retain = false): Promise<number> {
    try {
      const packet = await Promise.race([
        this.client.publishAsync(topic, payload, { qos: 1, retain }),
        this.whenClosed,
      ]);
      return packet?.cmd === 'puback' ? (packet.reasonCode ?? 0) : 0;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number') return code;
      throw err;
    }
  }

  async end(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/**
 * Connects as `username` with the client ID it chooses. Resolves with the connection, or with the
 * CONNACK reason code when the broker refuses it.
 */
function attempt(
  url: string,
  username: string | undefined,
  password: string | undefined,
  clientId: string,
  extra: IClientOptions = {},
): Promise<{ conn?: Conn; refused?: number }> {
  return new Promise((resolve) => {
    const client = mqttClientAs(url, username, password, clientId, { connectTimeout: 5000, ...extra });
    client.once('connect', () => resolve({ conn: new Conn(client) }));
    client.once('error', (err) => {
      client.end(true);
      const code = (err as { code?: unknown }).code;
      resolve({ refused: typeof code === 'number' ? code : -1 });
    });
  });
}

async function connect(
  url: string,
  username: string,
  password = username,
  clientId = username,
): Promise<Conn> {
  const { conn, refused } = await attempt(url, username, password, clientId);
  if (!conn) throw new Error(`${username} could not connect (CONNACK 0x${refused?.toString(16)})`);
  return conn;
}

const NOT_AUTHORIZED = 0x87;

/**
 * Device identity against the real broker and the built apps: the broker's generated password files, ACLs
 * and client-ID binding refuse spoofed topics, session takeovers, reads of others' topics and bad
 * credentials; ingest's own registry check refuses what the broker lets an owner publish for a device it
 * does not own; a password rotates with a reload, without a restart.
 */
describe('device identity', () => {
  const observer = { username: 'sec-observer', password: 'sec-observer-secret' };
  let platform: Platform;
  let root: string;
  let operator: LiveClient;
  let token: string;
  /** Every message the broker routes under the root, as the platform sees it (internal listener). */
  let watch: Conn;
  const opened: Conn[] = [];
  let seq = 0;

  const open = async (username: string, password = username, clientId = username): Promise<Conn> => {
    const c = await connect(platform.services.mqttUrl, username, password, clientId);
    opened.push(c);
    return c;
  };
  /** A unique event time per reading of this test run, so each one can be looked for. */
  const nextTs = (): number => Date.now() - 600_000 + seq++;
  const mosquittoLog = (): string =>
    readFileSync(join(platform.services.mosquittoDir, 'mosquitto.log'), 'utf8');
  /** ingest's client IDs are `${INGEST_INSTANCE}-${i}`. */
  const ingestInstance = (): string => platform.apps.get('ingest')!.env.INGEST_INSTANCE;
  /** Anything the broker logged about ingest's sessions after they connected: takeovers, disconnects. */
  const ingestSessionTrouble = (): string[] =>
    mosquittoLog()
      .split('\n')
      .filter((l) => l.includes(` ${ingestInstance()}-`) && !l.includes('New client connected'));
  const stored = async (measurement: string, device: string, ts: number): Promise<boolean> =>
    (
      await platform.influxQuery(
        `SELECT * FROM raw_${measurement}.${measurement} WHERE device = '${device}' AND time = ${ts}ms`,
      )
    ).length > 0;
  const lastSeen = async (device: string): Promise<number> => {
    const res = await fetch(`${platform.url('gateway')}/api/devices`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const devices = (await res.json()) as Array<{ id: string; lastSeen: string | null }>;
    const seen = devices.find((d) => d.id === device)?.lastSeen;
    return seen ? Date.parse(seen) : 0;
  };

  beforeAll(async () => {
    platform = await Platform.start({ observers: [observer] });
    root = platform.root;
    const gateway = platform.url('gateway');
    token = await login(gateway, 'operator', 'operator');
    operator = await LiveClient.connect(gateway, token);
    watch = await connect(
      platform.services.internalMqttUrl,
      observer.username,
      observer.password,
      'sec-watch',
    );
    await watch.client.subscribeAsync(`${root}/#`, { qos: 1 });
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((c) => c.end()));
  });

  afterAll(async () => {
    operator?.close();
    await watch?.end();
    await platform?.stop();
  });

  it('has the broker refuse every publish outside the identity’s own topics (PUBACK 0x87): nothing routed, stored or alerted', async () => {
    const p01 = await open('P01');
    const p02 = await open('P02');
    const g002 = await open('G002');
    const g053 = await open('G053'); // a detector of P02
    const spoofTs = nextTs();
    const leak = JSON.stringify({ ts: spoofTs, lel: 60 });
    const attempts: Array<[Conn, string, string]> = [
      // Another owner's device, under that owner's ID.
      [p02, `${root}/gas/P01/G001/telemetry`, leak],
      // A device of its own company put under another owner's ID.
      [p02, `${root}/gas/P01/G053/telemetry`, leak],
      // An owner under its own ID but the wrong kind.
      [p01, `${root}/truck/P01/G001/telemetry`, leak],
      // A device as its sibling, and as a device of another owner.
      [g002, `${root}/gas/P01/G001/telemetry`, leak],
      [g053, `${root}/gas/P01/G001/telemetry`, leak],
      // A forged status (a retained "offline") and a forged rejection notice.
      [g002, `${root}/gas/P01/G001/status`, JSON.stringify({ online: false })],
      [p02, `${root}/_rejected/gas/P01/G001`, JSON.stringify({ reason: 'schema', forged: spoofTs })],
      // Outside the root altogether.
      [p01, `elsewhere/gas/P01/G001/telemetry`, leak],
    ];
    for (const [conn, topic, payload] of attempts) {
      expect({ topic, reason: await conn.publish(topic, payload, topic.endsWith('/status')) }).toEqual({
        topic,
        reason: NOT_AUTHORIZED,
      });
    }
    // Mosquitto refuses the message, not the connection.
    for (const c of [p01, p02, g002, g053]) expect(c.closed).toBe(false);

    // The rightful owner's reading afterwards, on the same device: once it is evaluated, a leak that had
    // got through would have been too.
    const controlTs = nextTs();
    expect(
      await p01.publish(`${root}/gas/P01/G001/telemetry`, JSON.stringify({ ts: controlTs, lel: 5 })),
    ).toBe(0);
    await waitFor('the control reading in InfluxDB', () => stored('gas', 'G001', controlTs), 20_000, 100);
    await waitFor(
      'the control reading evaluated',
      async () => (await lastSeen('G001')) >= controlTs,
      20_000,
      200,
    );

    expect(await stored('gas', 'G001', spoofTs)).toBe(false);
    expect(await stored('gas', 'G053', spoofTs)).toBe(false);
    expect(operator.alerts.filter((a: Alert) => a.device === 'G001' || a.device === 'G053')).toEqual([]);
    const routed = watch.got.filter((m) => m.payload.includes(String(spoofTs)));
    expect(routed).toEqual([]);
    expect(watch.got.some((m) => m.payload.includes(String(controlTs)))).toBe(true);
  });

  it('has the broker refuse a device an owner does not have, of any length, and ingest never see it', async () => {
    // The ACL names each owner's registered devices: T004 belongs to C02, the others to nobody.
    const c01 = await open('C01');
    const rejections: Rejection[] = [];
    c01.client.on('message', (_t, payload) => rejections.push(JSON.parse(payload.toString()) as Rejection));
    await c01.client.subscribeAsync(`${root}/_rejected/+/C01/#`, { qos: 1 });

    const ts = nextTs();
    const reading = (t: number): string => JSON.stringify({ ts: t, lat: 22.7, lon: 114.25, speed: 30 });
    for (const device of ['T004', 'NOT-REGISTERED', 'x'.repeat(60_000)])
      expect(await c01.publish(`${root}/truck/C01/${device}/telemetry`, reading(ts))).toBe(0x87);

    const controlTs = nextTs();
    expect(await c01.publish(`${root}/truck/C01/T001/telemetry`, reading(controlTs))).toBe(0);
    await waitFor('C01’s own truck stored', () => stored('truck', 'T001', controlTs), 20_000, 100);
    expect(await stored('truck', 'T004', ts)).toBe(false);
    expect(await stored('truck', 'NOT-REGISTERED', ts)).toBe(false);
    // Nothing reached ingest, so nothing came back, and no notice names another tenant's device.
    expect(rejections).toEqual([]);
    const metrics = await (await fetch(`${platform.url('ingest')}/metrics`)).text();
    expect(metrics).not.toMatch(/lg_ingest_rejected_total\{reason="unknown_device"/);
  });

  it('binds the client ID to the identity: another identity’s client ID, or ingest’s, takes over nothing', async () => {
    const victim = await open('T001', 'T001', 'T001');
    // A valid identity asks for the victim's client ID, then for each of ingest's.
    const thief = await open('T002', 'T002', 'T001');
    const ingestIds = ingestInstance();
    const thieves = [thief];
    for (let i = 0; i < 8; i++) thieves.push(await open('T002', 'T002', `${ingestIds}-${i}`));
    // The broker closes a taken-over session before it answers the newcomer: the victim publishing now
    // proves its connection survived every one of them.
    expect(
      await victim.publish(
        `${root}/truck/C01/T001/telemetry`,
        JSON.stringify({ ts: nextTs(), lat: 22.7, lon: 114.2, speed: 10 }),
      ),
    ).toBe(0);
    expect(victim.closed).toBe(false);
    expect(mosquittoLog()).not.toMatch(/Client T001 already connected/);
    expect(ingestSessionTrouble()).toEqual([]);
    // Each T002 connection was T002 all along: the last one replaced the previous ones (one session each).
    await waitFor('the earlier T002 connections replaced', () => thieves.slice(0, -1).every((t) => t.closed));
    expect(thieves.at(-1)!.closed).toBe(false);
    expect(mosquittoLog()).toMatch(/Client T002 already connected, closing old connection/);

    // Ingest's listener admits nobody but the platform: a device's credentials, with ingest's client ID.
    const internal = await attempt(platform.services.internalMqttUrl, 'T002', 'T002', `${ingestIds}-0`);
    expect(internal.refused).toBe(NOT_AUTHORIZED);
    expect(ingestSessionTrouble()).toEqual([]);

    // Ingest kept every session: a reading still flows end to end.
    const ts = nextTs();
    expect(
      await victim.publish(
        `${root}/truck/C01/T001/telemetry`,
        JSON.stringify({ ts, lat: 22.7, lon: 114.2, speed: 11 }),
      ),
    ).toBe(0);
    await waitFor('the reading in InfluxDB', () => stored('truck', 'T001', ts), 20_000, 100);
    expect(ingestSessionTrouble()).toEqual([]);
  });

  it('delivers nothing of others’ topics to a wildcard, cross-owner or $SYS subscription', async () => {
    // Something to steal: a retained status of P01's detector, a reading, and a rejection sent to P01.
    const g001 = await open('G001');
    expect(await g001.publish(`${root}/gas/P01/G001/status`, JSON.stringify({ online: true }), true)).toBe(0);
    const p01 = await open('P01');
    const secretTs = nextTs();
    expect(
      await p01.publish(`${root}/gas/P01/G001/telemetry`, JSON.stringify({ ts: secretTs, lel: 3 })),
    ).toBe(0);

    // Each thief may read one thing: its own rejections.
    const c03Truck = platform.registry.allDevices().find((d) => d.owner === 'C03')!.id;
    const thieves = [
      { name: 'P02', own: `${root}/gas/P02/G053`, allowed: `${root}/_rejected/+/P02/#` },
      { name: 'G053', own: `${root}/gas/P02/G053`, allowed: `${root}/_rejected/gas/P02/G053` },
      { name: 'C03', own: `${root}/truck/C03/${c03Truck}`, allowed: `${root}/_rejected/+/C03/#` },
    ];
    const conns = new Map<string, Conn>();
    const filters = [
      '#',
      '+/+/#',
      `${root}/#`,
      `${root}/gas/P01/#`,
      `${root}/+/+/+/status`,
      `${root}/_rejected/#`,
      `${root}/_rejected/+/P01/#`,
      `$share/steal/${root}/#`,
      '$SYS/#',
    ];
    for (const t of thieves) {
      const conn = await open(t.name);
      conns.set(t.name, conn);
      // Mosquitto's ACL file decides reads message by message, at delivery (2.0 grants every SUBSCRIBE):
      // what matters is what arrives, checked below.
      await conn.client.subscribeAsync([...filters, t.allowed], { qos: 1 });
    }
    // A rejection for P01 (routed: the platform's observer sees it), then one for each thief: once a thief
    // has its own, anything of P01's (and any retained message) would have arrived before it.
    expect(await p01.publish(`${root}/gas/P01/G001/telemetry`, 'not json')).toBe(0);
    await waitFor('P01’s rejection routed', () =>
      watch.got.some((m) => m.topic === `${root}/_rejected/gas/P01/G001`),
    );
    for (const t of thieves) {
      const conn = conns.get(t.name)!;
      expect(await conn.publish(`${t.own}/telemetry`, 'not json')).toBe(0);
      await waitFor(`${t.name}’s own rejection`, () => conn.got.length > 0);
    }
    for (const t of thieves) {
      const got = conns.get(t.name)!.got.map((m) => m.topic);
      // Overlapping subscriptions may deliver a message more than once; every one is its own rejection.
      expect({ thief: t.name, got: [...new Set(got)] }).toEqual({
        thief: t.name,
        got: [`${root}/_rejected${t.own.slice(root.length)}`],
      });
    }
    expect(watch.got.some((m) => m.payload.includes(String(secretTs)))).toBe(true);
  });

  it('refuses a wrong password, an unknown user, no user, and each listener’s credentials on the other (CONNACK 0x87)', async () => {
    const device = platform.services.mqttUrl;
    const internal = platform.services.internalMqttUrl;
    const cases: Array<[string, string, string | undefined, string | undefined]> = [
      ['wrong password', device, 'T001', 'not-T001'],
      ['unknown user', device, 'T9999', 'T9999'],
      ['no username', device, undefined, undefined],
      ['ingest on the device listener', device, 'lg-ingest', 'lg-ingest'],
      ['observer on the device listener', device, observer.username, observer.password],
      ['a device on the internal listener', internal, 'G001', 'G001'],
      ['an owner on the internal listener', internal, 'P01', 'P01'],
      ['ingest with a wrong password', internal, 'lg-ingest', 'guess'],
    ];
    for (const [what, url, username, password] of cases) {
      const result = await attempt(url, username, password, `probe-${seq++}`);
      await result.conn?.end();
      expect({ what, refused: result.refused }).toEqual({ what, refused: NOT_AUTHORIZED });
    }
  });

  it('rotates a device password with a reload: old refused, new accepted, same broker process, ingest untouched', async () => {
    const pid = platform.services.mosquitto.pid;
    const rotated = await open('G003');
    const bystander = await open('G004');

    // The production procedure: change the password in the secrets file, regenerate, SIGHUP.
    const names = [
      'lg-ingest',
      observer.username,
      ...platform.registry.owners(),
      ...platform.registry.allDevices().map((d) => d.id),
    ];
    const secrets = Object.fromEntries(names.map((n) => [n, n]));
    secrets[observer.username] = observer.password;
    secrets.G003 = 'G003-rotated-secret';
    const secretsFile = join(platform.dir, 'mqtt-secrets.json');
    writeFileSync(secretsFile, JSON.stringify(secrets), { mode: 0o600 });
    await run(
      process.execPath,
      [
        'dist/scripts/mqtt-auth.js',
        '--out',
        platform.services.mosquittoDir,
        '--passwords',
        secretsFile,
        '--registry',
        platform.registryFile,
        '--root',
        root,
        '--observer',
        observer.username,
        '--allow-demo',
      ],
      { cwd: join(__dirname, '../..') },
    );
    reloadMosquitto(platform.services.mosquitto);

    await waitFor('the old password refused', async () => {
      const r = await attempt(platform.services.mqttUrl, 'G003', 'G003', 'G003');
      await r.conn?.end();
      return r.refused === NOT_AUTHORIZED;
    });
    // The session opened with the old password is closed; everyone else carries on.
    await waitFor('the rotated device’s old session closed', () => rotated.closed);
    expect(bystander.closed).toBe(false);

    const renewed = await open('G003', 'G003-rotated-secret');
    const ts = nextTs();
    expect(await renewed.publish(`${root}/gas/P01/G003/telemetry`, JSON.stringify({ ts, lel: 4 }))).toBe(0);
    await waitFor(
      'the reading under the new password in InfluxDB',
      () => stored('gas', 'G003', ts),
      20_000,
      100,
    );
    const other = nextTs();
    expect(
      await bystander.publish(`${root}/gas/P01/G004/telemetry`, JSON.stringify({ ts: other, lel: 4 })),
    ).toBe(0);
    await waitFor('the bystander’s reading in InfluxDB', () => stored('gas', 'G004', other), 20_000, 100);

    expect(platform.services.mosquitto.pid).toBe(pid);
    expect(platform.services.mosquitto.alive).toBe(true);
    expect(ingestSessionTrouble()).toEqual([]);
    const ready = (await (await fetch(`${platform.url('ingest')}/ready`)).json()) as {
      dependencies: Record<string, { ok: boolean; detail?: string }>;
    };
    expect(ready.dependencies.mqtt).toMatchObject({ ok: true, detail: '8/8 connections up' });
  });
});
