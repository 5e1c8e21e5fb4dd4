import { connect, createServer, type Server, type Socket as NetSocket } from 'node:net';
import IORedis from 'ioredis';
import mqtt, { type MqttClient } from 'mqtt';
import { io } from 'socket.io-client';
import {
  names,
  ownerSubscriptions,
  type AckResponse,
  type Alert,
  type DeviceEvent,
  type LiveRecord,
} from '@lg/contracts';
import { Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import { login, type LiveSocket } from './helpers';

/**
 * Issue #8, scale-out: two of each app on one set of services. Under load (uniquely numbered readings,
 * trucks of companies served by both ingest processes, SOS alarms and gas leaks raising alerts on several
 * devices), every acknowledged reading is stored, every alert transition and device event reaches each
 * connected client exactly once and in the same order whichever gateway it is on, and an acknowledgement
 * made on one gateway reaches the clients of the other. Then the gateway dispatching the live stream stops:
 * the other takes over, a client that was on it comes back through the "load balancer" to the other gateway
 * and is sent what it missed, and a client coming back with a bad token is sent nothing.
 */

const INGEST_CONNECTIONS = 8;
const RATE = 1500;
const TRUCK_READINGS = 6000;
/** Every this many readings of an SOS truck, its emergency bit flips (a fire, then a clear, …). */
const SOS_FLIP = 10;
/** Gas leak per detector, % LEL every 5 s of event time: orange, red, back down, a second leak, clear. */
const LEAK = [5, 30, 60, 60, ...Array<number>(8).fill(10), 30, ...Array<number>(9).fill(5)];

type Who = { role: 'operator' } | { role: 'company'; company: string };

/** A `/live` client that records, in order, every alert and device event it is sent. */
class Recorder {
  readonly alerts: Alert[] = [];
  readonly devices: DeviceEvent[] = [];
  snapshots = 0;
  /** `/live` EVENT packets that arrived while the namespace was not connected (before the token check). */
  eventsBeforeConnect = 0;
  unauthorized = 0;

  constructor(
    readonly name: string,
    readonly who: Who,
    readonly socket: LiveSocket,
  ) {
    socket.on('alert', (a) => this.alerts.push(a));
    socket.on('device', (d) => this.devices.push(d));
    socket.on('alerts', () => this.snapshots++);
    socket.on('connect_error', (err) => {
      if (err.message === 'unauthorized') this.unauthorized++;
    });
    socket.io.on('packet', (packet: { type: number; nsp: string }) => {
      if (packet.type === 2 && packet.nsp === '/live' && !socket.connected) this.eventsBeforeConnect++;
    });
  }

  static async connect(name: string, url: string, token: string, who: Who, roam = false): Promise<Recorder> {
    const socket: LiveSocket = io(`${url}/live`, {
      auth: { token },
      transports: ['websocket'],
      reconnection: roam,
      reconnectionDelay: 100,
      reconnectionDelayMax: 300,
    });
    const recorder = new Recorder(name, who, socket);
    await waitFor(`${name} to connect and get the open alerts`, () => recorder.snapshots > 0, 15_000);
    return recorder;
  }

  sees(subject: { kind: string; owner: string }): boolean {
    return this.who.role === 'operator' || (subject.kind === 'truck' && subject.owner === this.who.company);
  }

  /**
   * An alert raised or reopened while it was being acknowledged is refused, to be looked at again (the SOS
   * here flips every few readings): a person would look and take it again, and so does this.
   */
  async ack(id: string): Promise<AckResponse> {
    let reply: AckResponse = { ok: false, error: 'not sent' };
    for (let attempt = 0; attempt < 5; attempt++) {
      reply = await this.socket.timeout(10_000).emitWithAck('alert:ack', { id });
      if (reply.ok || !reply.error.includes('raised or reopened')) return reply;
    }
    return reply;
  }

  close(): void {
    this.socket.close();
  }
}

const alertKey = (a: Alert) =>
  [a.id, a.updatedAt, a.severity, a.active, a.acknowledged, a.count, a.escalation.level].join('|');
const deviceKey = (d: DeviceEvent) => `${d.id}|${d.online}|${d.ts}`;

/**
 * A TCP relay standing in for the load balancer in front of the gateways: new connections go to the
 * current target, or are refused when there is none.
 */
class Balancer {
  private target: number | null;
  private readonly open = new Set<NetSocket>();
  private constructor(
    private readonly server: Server,
    readonly port: number,
    target: number,
  ) {
    this.target = target;
  }

  static async start(target: number): Promise<Balancer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const balancer = new Balancer(server, (server.address() as { port: number }).port, target);
    server.on('connection', (client) => balancer.relay(client));
    return balancer;
  }

  private relay(client: NetSocket): void {
    if (this.target === null) {
      client.destroy();
      return;
    }
    const upstream = connect(this.target, '127.0.0.1');
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ]) {
      this.open.add(a);
      a.pipe(b);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.open.delete(a);
        b.destroy();
      });
    }
  }

  get routedTo(): number | null {
    return this.target;
  }

  route(target: number | null): void {
    this.target = target;
  }

  /** Cuts every connection through it, as a failing balancer or network would. */
  cut(): void {
    for (const s of this.open) s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum += Number(line.split(' ').pop());
  }
  return sum;
}

async function connectOwner(url: string, owner: string): Promise<MqttClient> {
  const client = mqtt.connect(url, {
    username: owner,
    password: owner,
    clientId: `scale-${owner}-${Math.random().toString(36).slice(2, 8)}`,
    protocolVersion: 5,
    reconnectPeriod: 0,
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return client;
}

describe('scale-out: two ingest, two workers, two gateways', () => {
  let platform: Platform;
  let redis: IORedis;
  let balancer: Balancer;
  const owners = new Map<string, MqttClient>();
  const recorders: Recorder[] = [];
  /** Acknowledged readings: device → event times. */
  const acked = new Map<string, Set<number>>();
  let ackedCount = 0;
  let sent = 0;
  let tokens: { operator: string; c01: string };
  const GATEWAYS = ['gateway', 'gateway2'] as const;

  beforeAll(async () => {
    platform = await Platform.start({ apps: [] });
    const both = { INGEST_INSTANCES: '2', INGEST_CONNECTIONS: String(INGEST_CONNECTIONS) };
    await platform.startApp('ingest', { ...both, INGEST_INDEX: '0' }, 'ingest');
    await platform.startApp('ingest', { ...both, INGEST_INDEX: '1' }, 'ingest2');
    await platform.startApp('worker', {}, 'worker');
    await platform.startApp('worker', {}, 'worker2');
    await platform.startApp('gateway', { LIVE_LEASE_MS: '2000' }, 'gateway');
    await platform.startApp('gateway', { LIVE_LEASE_MS: '2000' }, 'gateway2');
    redis = new IORedis(platform.services.redisUrl, { maxRetriesPerRequest: 3 });
  });

  afterAll(async () => {
    for (const r of recorders) r.close();
    await Promise.all([...owners.values()].map((c) => c.endAsync()));
    await balancer?.close();
    await redis?.quit();
    await platform?.stop();
  });

  const dispatchers = async () => {
    const out: string[] = [];
    for (const g of GATEWAYS) {
      if (!platform.apps.get(g)?.proc.alive) continue;
      if ((await metric(platform.url(g), 'lg_gateway_live_dispatcher')) === 1) out.push(g);
    }
    return out;
  };

  /** The live stream as written (workers' transitions, gateways' acknowledgements, device events). */
  const liveStream = async () => {
    const entries = await redis.xrange(names(platform.prefix).live, '-', '+');
    const records = entries.map(([, fields]) => JSON.parse(fields[fields.indexOf('j') + 1]) as LiveRecord);
    return {
      alerts: records.flatMap((r) => (r.t === 'alert' ? [r.alert] : [])),
      devices: records.flatMap((r) => (r.t === 'device' ? [r.device] : [])),
    };
  };

  /** Waits until the live stream is still and every client has been sent as much as it may see of it. */
  const settle = async (clients: Recorder[]) => {
    let previous = -1;
    let stream = await liveStream();
    await waitFor(
      'every client to be sent every live event it may see',
      async () => {
        stream = await liveStream();
        const size = stream.alerts.length + stream.devices.length;
        const still = size === previous;
        previous = size;
        return (
          still &&
          clients.every(
            (c) =>
              c.alerts.length >= stream.alerts.filter((a) => c.sees(a)).length &&
              c.devices.length >= stream.devices.filter((d) => c.sees(d)).length,
          )
        );
      },
      60_000,
      500,
    );
    return stream;
  };

  const expectExactlyOnceInOrder = (stream: Awaited<ReturnType<typeof liveStream>>, clients: Recorder[]) => {
    for (const c of clients) {
      const expected = stream.alerts.filter((a) => c.sees(a)).map(alertKey);
      const expectedDevices = stream.devices.filter((d) => c.sees(d)).map(deviceKey);
      // Same sequence: nothing missing, nothing twice, same order as the stream (hence as every other client).
      expect({ client: c.name, alerts: c.alerts.map(alertKey) }).toEqual({
        client: c.name,
        alerts: expected,
      });
      expect({ client: c.name, devices: c.devices.map(deviceKey) }).toEqual({
        client: c.name,
        devices: expectedDevices,
      });
    }
  };

  it('splits the work: owners over both ingest processes, partitions over both workers, one dispatcher', async () => {
    await waitFor('both workers to own partitions', async () => {
      for (const w of ['worker', 'worker2']) {
        const body = (await (await fetch(`${platform.url(w)}/ready`)).json()) as {
          dependencies: { partitions: { detail: string } };
        };
        if (body.dependencies.partitions.detail.includes('none')) return false;
      }
      return true;
    });
    await waitFor(
      'exactly one gateway to dispatch the live stream',
      async () => (await dispatchers()).length === 1,
    );
  });

  it('loses no reading and delivers every alert once to each client, whichever gateway it is on', async () => {
    const [operator, c01] = await Promise.all([
      login(platform.url('gateway'), 'operator', 'operator'),
      login(platform.url('gateway2'), 'c01', 'c01'),
    ]);
    tokens = { operator, c01 };
    balancer = await Balancer.start(platform.apps.get((await dispatchers())[0])!.port);
    const opA = await Recorder.connect('operator@A', platform.url('gateway'), operator, { role: 'operator' });
    const opB = await Recorder.connect('operator@B', platform.url('gateway2'), operator, {
      role: 'operator',
    });
    const c01A = await Recorder.connect('c01@A', platform.url('gateway'), c01, {
      role: 'company',
      company: 'C01',
    });
    const c01B = await Recorder.connect('c01@B', platform.url('gateway2'), c01, {
      role: 'company',
      company: 'C01',
    });
    const roaming = await Recorder.connect(
      'operator@balancer',
      `http://127.0.0.1:${balancer.port}`,
      operator,
      { role: 'operator' },
      true,
    );
    recorders.push(opA, opB, c01A, c01B, roaming);

    // Trucks of companies on both sides of the ingest split (three each from C01 up, until both sides have some).
    const companies = platform.registry.allCompanies().map((c) => c.id);
    const side = (owner: string) =>
      ownerSubscriptions(platform.root, [owner], 2, 0, INGEST_CONNECTIONS).some((s) => s.length > 0) ? 0 : 1;
    const chosen: string[] = [];
    for (const company of companies) {
      chosen.push(company);
      if (chosen.length >= 4 && new Set(chosen.map(side)).size === 2) break;
    }
    expect(new Set(chosen.map(side)).size).toBe(2);
    const trucks = chosen.flatMap((company) =>
      platform.registry
        .allDevices()
        .filter((d) => d.kind === 'truck' && d.owner === company)
        .slice(0, 3)
        .map((d, i) => ({ id: d.id, owner: company, sos: i === 0 })),
    );
    const detectors = ['P01', 'P02', 'P03'].flatMap((network) =>
      platform.registry
        .allDevices()
        .filter((d) => d.kind === 'gas' && d.owner === network)
        .slice(0, 3),
    );
    for (const owner of new Set([...trucks.map((t) => t.owner), ...detectors.map((d) => d.owner)]))
      owners.set(owner, await connectOwner(platform.services.mqttUrl, owner));

    const publish = (device: string, topic: string, reading: { ts: number } & Record<string, unknown>) => {
      sent++;
      return owners
        .get(topic.split('/')[3])!
        .publishAsync(topic, JSON.stringify(reading), { qos: 1 })
        .then(
          () => {
            let set = acked.get(device);
            if (!set) acked.set(device, (set = new Set()));
            set.add(reading.ts);
            ackedCount++;
          },
          // Not acknowledged: not counted (the checks below compare with what was acknowledged).
          () => undefined,
        );
    };

    // Acknowledgements across gateways while the load runs: the operator on A takes the first gas alert it
    // sees, C01's user on B the first SOS of its own trucks.
    const acks: Array<Promise<AckResponse>> = [];
    let gasAcked: string | undefined;
    let sosAcked: string | undefined;
    const ackWhenSeen = setInterval(() => {
      const gas = opA.alerts.find((a) => a.kind === 'gas' && a.active);
      if (!gasAcked && gas) acks.push(opA.ack((gasAcked = gas.id)));
      const sos = c01B.alerts.find((a) => a.rule === 'truck.sos' && a.active);
      if (!sosAcked && sos) acks.push(c01B.ack((sosAcked = sos.id)));
    }, 20);

    // Trucks: uniquely numbered readings (event time unique per truck), parked so that no offline timer
    // fires during the test; an SOS truck flips its emergency bit every SOS_FLIP readings.
    const started = Date.now();
    const base = started - 60_000;
    const gasBase = started - LEAK.length * 5000;
    const inflight = new Set<Promise<void>>();
    const track = (p: Promise<void>) => {
      const tracked = p.finally(() => inflight.delete(tracked));
      inflight.add(tracked);
    };
    const leak = (d: { id: string; owner: string }) => {
      for (const [i, lel] of LEAK.entries())
        track(
          publish(d.id, `${platform.root}/gas/${d.owner}/${d.id}/telemetry`, { ts: gasBase + i * 5000, lel }),
        );
    };
    let n = 0;
    let leaks = 0;
    while (n < TRUCK_READINGS) {
      const due = Math.min(TRUCK_READINGS, Math.floor(((Date.now() - started) / 1000) * RATE));
      while (n < due && inflight.size < 500) {
        const truck = trucks[n % trucks.length];
        const k = Math.floor(n / trucks.length);
        const reading = {
          ts: base + k * 20,
          lat: 22.7 + trucks.indexOf(truck) * 0.001,
          lon: 114.25,
          speed: 0,
          ignition: false,
          ...(truck.sos ? { alarm: Math.floor(k / SOS_FLIP) % 2 } : {}),
        };
        track(publish(truck.id, `${platform.root}/truck/${truck.owner}/${truck.id}/telemetry`, reading));
        n++;
      }
      // One detector's whole leak every half second of the load, in order on its owner's connection.
      while (leaks < detectors.length && Date.now() - started >= leaks * 500) leak(detectors[leaks++]);
      await new Promise((r) => setTimeout(r, 5));
    }
    while (leaks < detectors.length) leak(detectors[leaks++]);
    await Promise.all(inflight);
    const loadSeconds = (Date.now() - started) / 1000;
    try {
      await waitFor('both acknowledgements to be made', () => acks.length === 2, 30_000);
    } finally {
      clearInterval(ackWhenSeen);
    }
    for (const reply of await Promise.all(acks)) expect(reply).toMatchObject({ ok: true });
    expect(ackedCount).toBe(sent);

    // Every acknowledged reading is stored, and nothing else.
    const lost: string[] = [];
    let extra = 0;
    await waitFor(
      'InfluxDB to hold exactly the acknowledged readings',
      async () => {
        lost.length = 0;
        extra = 0;
        for (const [device, times] of acked) {
          const measurement = device.startsWith('T') ? 'truck' : 'gas';
          const rows = await platform.influxQuery(
            `SELECT * FROM raw_${measurement}.${measurement} WHERE device = '${device}' AND time >= ${Math.min(base, gasBase)}ms`,
          );
          const stored = new Set(rows.map((r) => Number(r.time)));
          for (const ts of times) if (!stored.has(ts)) lost.push(`${device}@${ts}`);
          for (const ts of stored) if (!times.has(ts)) extra++;
        }
        return lost.length === 0;
      },
      60_000,
      500,
    ).catch(() => undefined);
    expect({ lost: lost.slice(0, 10), lostCount: lost.length, extra }).toEqual({
      lost: [],
      lostCount: 0,
      extra: 0,
    });

    // Every reading went through the rules, split across both workers; both ingest processes took readings.
    const evaluated = async (w: string) =>
      (await metric(platform.url(w), 'lg_worker_readings_evaluated_total')) +
      (await metric(platform.url(w), 'lg_worker_readings_late_total'));
    await waitFor(
      'every reading evaluated',
      async () => (await evaluated('worker')) + (await evaluated('worker2')) >= ackedCount,
      60_000,
      250,
    );
    const perWorker = [await evaluated('worker'), await evaluated('worker2')];
    const perIngest = [
      await metric(platform.url('ingest'), 'lg_ingest_readings_total'),
      await metric(platform.url('ingest2'), 'lg_ingest_readings_total'),
    ];
    expect(perWorker.every((v) => v > 0)).toBe(true);
    expect(perIngest.every((v) => v > 0)).toBe(true);
    expect(perIngest[0] + perIngest[1]).toBe(ackedCount);

    const stream = await settle(recorders);
    expectExactlyOnceInOrder(stream, recorders);
    const transitions =
      (await metric(platform.url('worker'), 'lg_worker_alert_transitions_total')) +
      (await metric(platform.url('worker2'), 'lg_worker_alert_transitions_total'));
    expect(stream.alerts.length).toBe(transitions + 2);

    // The acknowledgements were seen on the other gateway (and everywhere else allowed).
    const gasAck = opB.alerts.find((a) => a.id === gasAcked && a.acknowledged);
    expect(gasAck).toMatchObject({ ackedBy: 'operator' });
    expect(c01B.alerts.some((a) => a.id === gasAcked)).toBe(false);
    // A company's user takes its red SOS for the company: recorded everywhere, the district still to take it.
    for (const c of [opA, opB, c01A, roaming])
      expect(c.alerts.find((a) => a.id === sosAcked && a.companyAck)).toMatchObject({
        acknowledged: false,
        companyAck: { by: 'c01' },
      });

    // Alerts on several devices, of several rules.
    const devices = new Set(stream.alerts.map((a) => a.device));
    expect(stream.alerts.filter((a) => a.rule === 'gas.lel').length).toBeGreaterThanOrEqual(
      detectors.length * 3,
    );
    expect(stream.alerts.filter((a) => a.rule === 'truck.sos').length).toBeGreaterThanOrEqual(
      chosen.length * 4,
    );
    expect(devices.size).toBeGreaterThanOrEqual(detectors.length + chosen.length);
    expect(c01A.alerts.length).toBeGreaterThan(0);
    expect(c01A.alerts.every((a) => a.owner === 'C01' && a.kind === 'truck')).toBe(true);
    console.log(
      `scale-out: ${ackedCount} readings acknowledged in ${loadSeconds.toFixed(1)} s ` +
        `(${Math.round(ackedCount / loadSeconds)}/s), stored ${ackedCount - lost.length}, lost ${lost.length}; ` +
        `ingest ${perIngest.join(' + ')}, workers ${perWorker.join(' + ')}; ` +
        `${stream.alerts.length} alert transitions on ${devices.size} devices and ${stream.devices.length} device ` +
        `events, each sent once to each of ${recorders.length} clients on two gateways`,
    );
  });

  it('keeps the feed going when the dispatching gateway stops; a client coming back is sent what it missed', async () => {
    const [dispatcher] = await dispatchers();
    const survivor = GATEWAYS.find((g) => g !== dispatcher)!;
    const roaming = recorders.find((r) => r.name === 'operator@balancer')!;
    const onSurvivor = recorders.filter((r) => r.name.endsWith(survivor === 'gateway' ? '@A' : '@B'));
    const before = roaming.alerts.length;

    // The balancer stops sending clients anywhere while the dispatching gateway shuts down (gracefully: it
    // hands its sessions to Redis and its lease back).
    balancer.route(null);
    await platform.apps.get(dispatcher)!.proc.stop();
    await waitFor(
      'the other gateway to dispatch',
      async () => (await dispatchers()).includes(survivor),
      10_000,
    );

    // A leak while the roaming client is away.
    const d = platform.registry.allDevices().filter((x) => x.kind === 'gas' && x.owner === 'P01')[5];
    const ts = Date.now() - 1000;
    await owners
      .get('P01')!
      .publishAsync(`${platform.root}/gas/P01/${d.id}/telemetry`, JSON.stringify({ ts, lel: 70 }), {
        qos: 1,
      });
    await waitFor('the survivor’s clients to get the new alert', () =>
      onSurvivor.filter((c) => c.sees(d)).every((c) => c.alerts.some((a) => a.device === d.id)),
    );
    expect(roaming.socket.connected).toBe(false);

    // Back through the balancer, now to the surviving gateway: the session is recovered there.
    balancer.route(platform.apps.get(survivor)!.port);
    await waitFor('the roaming client to reconnect', () => roaming.socket.connected, 15_000);
    expect(roaming.socket.recovered).toBe(true);
    const stream = await settle([...onSurvivor, roaming]);
    expectExactlyOnceInOrder(stream, [...onSurvivor, roaming]);
    expect(roaming.alerts.length).toBeGreaterThan(before);
    expect(roaming.alerts.filter((a) => a.device === d.id)).toHaveLength(1);
  });

  it('sends a recovering client nothing until its token has been checked again', async () => {
    const roaming = recorders.find((r) => r.name === 'operator@balancer')!;
    const target = balancer.routedTo!;
    // Cut it off, let something happen, and bring it back with a token that is not valid.
    balancer.route(null);
    balancer.cut();
    await waitFor('the roaming client to be cut off', () => !roaming.socket.connected);
    const d = platform.registry.allDevices().filter((x) => x.kind === 'gas' && x.owner === 'P01')[6];
    await owners
      .get('P01')!
      .publishAsync(
        `${platform.root}/gas/P01/${d.id}/telemetry`,
        JSON.stringify({ ts: Date.now() - 1000, lel: 70 }),
        { qos: 1 },
      );
    const witness = recorders.find((r) => r.socket.connected && r.who.role === 'operator')!;
    await waitFor('the new alert on a connected client', () => witness.alerts.some((a) => a.device === d.id));
    roaming.socket.auth = { token: 'not-a-token' };
    roaming.eventsBeforeConnect = 0;
    balancer.route(target);
    await waitFor('the recovery to be refused', () => roaming.unauthorized > 0, 15_000);
    expect(roaming.eventsBeforeConnect).toBe(0);
    expect(roaming.alerts.some((a) => a.device === d.id)).toBe(false);

    // With its own token again it connects afresh (the refused session is gone) and gets the open alerts.
    const snapshots = roaming.snapshots;
    roaming.socket.auth = { token: tokens.operator };
    roaming.socket.connect();
    await waitFor('the roaming client to connect afresh', () => roaming.snapshots > snapshots, 15_000);
    expect(roaming.socket.recovered).toBe(false);
  });
});
