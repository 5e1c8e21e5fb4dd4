import { deviceTopic } from '@lg/contracts';
import type { Device } from '@lg/registry';
import { DeviceClient, formatPubAck, type PubAck } from './device-client';
import type { Reading, SimulatedDevice } from './devices';
import { seededRandom, seedOf } from './models/random';

export const ONLINE = JSON.stringify({ online: true });
export const OFFLINE = JSON.stringify({ online: false });

export function statusTopic(root: string, d: Device): string {
  return deviceTopic(root, { kind: d.kind, owner: d.owner, device: d.id, channel: 'status' });
}

export function telemetryTopic(root: string, d: Device): string {
  return deviceTopic(root, { kind: d.kind, owner: d.owner, device: d.id, channel: 'telemetry' });
}

/** When and how a fleet's members report, whatever carries their readings. */
export interface ScheduleOptions {
  /** Every reporting interval is divided by this (default 1). */
  speedup?: number;
  /** Event time of a reading; wall clock by default. */
  now?: () => number;
  /** Spreads the fleet's first reports over the first interval (default true); off in tests for speed. */
  stagger?: boolean;
  seed?: number;
  /** Called after every send with the platform's answer (or the error). */
  onPublish?: (event: PublishEvent) => void;
  /** Connection trouble after start: offline, reconnecting, errors. */
  onTrouble?: (device: string, what: string) => void;
  /** Connections opened at once (default: the transport's). */
  connectConcurrency?: number;
  /** Called as devices connect, with how many have and how many there are. */
  onConnected?: (connected: number, total: number) => void;
}

export interface FleetOptions extends ScheduleOptions {
  url: string;
  root: string;
  devices: readonly SimulatedDevice[];
  /** The MQTT password of an identity (demo: the name itself; production: from the secrets file). */
  passwordOf: (username: string) => string;
}

/** The platform's answer to one reading: the broker's PUBACK, or the JT/T 808 gateway's 0x8001 result. */
export type Delivery = { accepted: boolean; ack: PubAck } | { accepted: boolean; result: number };

export type PublishEvent =
  | { device: string; topic: string; ok: true; ack: PubAck }
  | { device: string; topic: string; ok: true; result: number }
  | { device: string; topic: string; ok: false; error: Error };

/** One member's way to the platform: its own MQTT session, or its own JT/T 808 terminal. */
export interface Link {
  readonly connected: boolean;
  /** Where its readings go, for messages (a topic, or `jt808:<terminal>`). */
  readonly target: string;
  send(reading: Reading): Promise<Delivery>;
  /**
   * Whether a reading can go now. A JT/T 808 terminal whose connection dropped says no and reconnects
   * (its readings meanwhile are skipped); an MQTT client queues while offline and always says yes.
   */
  ready(): boolean;
  /** Reports connection trouble (after start). */
  onTrouble(report: (what: string) => void): void;
  /** Clean stop (MQTT: `{"online": false}` retained first, so no last will fires). */
  close(timeoutMs: number): Promise<void>;
  /**
   * Hands the device over to someone else driving it (a scenario): closes cleanly without saying offline
   * (MQTT: DISCONNECT only, so neither `{"online": false}` nor the last will is published).
   */
  handOver(timeoutMs: number): Promise<void>;
  /** Drops the connection at once (a start that failed). */
  abort(): Promise<void>;
  /** The MQTT connection, for tests that cut it. */
  readonly client?: DeviceClient;
}

/** How a fleet's members connect: MQTT (`mqttTransport`) or JT/T 808 (`jt808Transport`). */
export interface Transport {
  /** Where the members connect, for messages. */
  readonly address: string;
  /** Connections opened at once by default. */
  readonly concurrency: number;
  connect(sim: SimulatedDevice, index: number): Promise<Link>;
}

export interface FleetStats {
  devices: number;
  connected: number;
  published: number;
  /** Readings the platform took: PUBACK accepted, or 0x8001 success (durable in the platform). */
  accepted: number;
  refused: number;
  failed: number;
  /** Readings not sent because too many of the device's sends were still awaiting their answer. */
  skipped: number;
  /** Devices handed over to a scenario at the moment. */
  yielded: number;
}

/** Publishes awaiting their ack beyond which a device skips readings rather than queue without bound. */
const MAX_IN_FLIGHT = 100;

interface Member {
  sim: SimulatedDevice;
  index: number;
  link: Link;
  timer?: NodeJS.Timeout;
  inFlight: number;
  /** Handed over to a scenario (`yieldDevice`): no reports, no connection, until `resumeDevice`. */
  yielded?: boolean;
  /** A hand-over or take-back in progress, so that the two never overlap. */
  turn: Promise<void>;
}

/**
 * Each device on an MQTT connection of its own as itself (client ID, username = device ID), with a
 * retained `{"online": false}` last will and `{"online": true}` on every connect; reconnects spread over
 * 2–5 s so that a broker restart does not see the whole fleet knock at once.
 */
export function mqttTransport(o: Pick<FleetOptions, 'url' | 'root' | 'passwordOf' | 'seed'>): Transport {
  const jitter = seededRandom(seedOf('reconnect', o.seed ?? 1));
  return {
    address: o.url,
    // Hundreds of simultaneous CONNECTs make the broker's replies late enough to time out.
    concurrency: 32,
    connect: async (sim) => {
      const d = sim.device;
      const topic = telemetryTopic(o.root, d);
      const client = await DeviceClient.connect({
        url: o.url,
        clientId: d.id,
        username: d.id,
        password: o.passwordOf(d.id),
        will: { topic: statusTopic(o.root, d), payload: OFFLINE },
        onConnect: { topic: statusTopic(o.root, d), payload: ONLINE },
        reconnectPeriodMs: 2000 + Math.round(jitter.next() * 3000),
      });
      return {
        client,
        target: topic,
        get connected() {
          return client.connected;
        },
        ready: () => true,
        abort: () => client.abort(),
        send: async (reading) => {
          const ack = await client.publish(topic, JSON.stringify(reading));
          return { accepted: ack.accepted, ack };
        },
        onTrouble: (report) =>
          client.onTrouble((what, err) => report(err ? `${what}: ${err.message}` : what)),
        close: (timeoutMs) => client.close({ topic: statusTopic(o.root, d), payload: OFFLINE }, timeoutMs),
        handOver: (timeoutMs) => client.close(undefined, timeoutMs),
      };
    },
  };
}

/**
 * A fleet of simulated devices, each on a connection of its own (`Transport`), reporting at its registry
 * interval (divided by `speedup`), counting what the platform took.
 */
export class Fleet {
  private readonly pending = new Set<Promise<void>>();
  private readonly counters = { published: 0, accepted: 0, refused: 0, failed: 0, skipped: 0 };
  private stopped = false;

  private readonly byId: Map<string, Member>;

  private constructor(
    private readonly o: ScheduleOptions,
    private readonly members: Member[],
    private readonly transport: Transport,
  ) {
    this.byId = new Map(members.map((m) => [m.sim.device.id, m]));
  }

  /** The devices over MQTT, each as itself. */
  static start(o: FleetOptions): Promise<Fleet> {
    return Fleet.over(mqttTransport(o), o.devices, o);
  }

  /** Connects every device (rejecting, with every connection closed, if any cannot) and starts reporting. */
  static async over(
    transport: Transport,
    devices: readonly SimulatedDevice[],
    o: ScheduleOptions = {},
  ): Promise<Fleet> {
    let connected = 0;
    const results = await inBatches(
      devices,
      o.connectConcurrency ?? transport.concurrency,
      async (sim, i) => {
        const link = await transport.connect(sim, i);
        o.onConnected?.(++connected, devices.length);
        return { sim, index: i, link, inFlight: 0, turn: Promise.resolve() } satisfies Member;
      },
    );
    const members = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failures.length > 0) {
      await Promise.all(members.map((m) => m.link.abort()));
      throw new Error(connectFailure(failures, devices.length, transport.address));
    }
    const fleet = new Fleet(o, members, transport);
    fleet.schedule();
    return fleet;
  }

  private schedule(): void {
    const rng = seededRandom(seedOf('stagger', this.o.seed ?? 1));
    for (const m of this.members) {
      m.link.onTrouble((what) => this.o.onTrouble?.(m.sim.device.id, what));
      const offset = this.o.stagger === false ? 0 : rng.next() * Math.min(this.intervalMs(m), 5000);
      this.scheduleMember(m, Date.now() + offset);
    }
  }

  private intervalMs(m: Member): number {
    return (m.sim.device.intervalSec * 1000) / (this.o.speedup ?? 1);
  }

  /** Reports from `startAt` on, each scheduled from it, so that intervals do not drift with timer lateness. */
  private scheduleMember(m: Member, startAt: number): void {
    const intervalMs = this.intervalMs(m);
    let k = 0;
    const next = (): void => {
      if (this.stopped || m.yielded) return;
      const due = startAt + k * intervalMs;
      k++;
      m.timer = setTimeout(
        () => {
          this.report(m);
          next();
        },
        Math.max(0, due - Date.now()),
      );
    };
    next();
  }

  /** Whether the fleet drives this device. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /**
   * Hands a device over to a scenario: stops its reports and closes its connection without saying
   * offline (the scenario connects as the device and reports for it). False if the fleet has no such
   * device or it is handed over already.
   */
  yieldDevice(id: string, timeoutMs = 5000): Promise<boolean> {
    const m = this.byId.get(id);
    if (!m || this.stopped) return Promise.resolve(false);
    return this.inTurn(m, async () => {
      if (m.yielded || this.stopped) return false;
      m.yielded = true;
      clearTimeout(m.timer);
      await m.link.handOver(timeoutMs);
      return true;
    });
  }

  /** Takes a handed-over device back: connects it again (MQTT: `{"online": true}`) and reports at once. */
  resumeDevice(id: string): Promise<boolean> {
    const m = this.byId.get(id);
    if (!m || this.stopped) return Promise.resolve(false);
    return this.inTurn(m, async () => {
      if (!m.yielded || this.stopped) return false;
      m.link = await this.transport.connect(m.sim, m.index);
      m.link.onTrouble((what) => this.o.onTrouble?.(m.sim.device.id, what));
      m.yielded = false;
      if (this.stopped) await m.link.close(5000);
      else this.scheduleMember(m, Date.now());
      return true;
    });
  }

  /** Whether a device is handed over (for tests and messages). */
  isYielded(id: string): boolean {
    return this.byId.get(id)?.yielded === true;
  }

  /** The devices handed over at the moment. */
  yieldedDevices(): string[] {
    return this.members.filter((m) => m.yielded).map((m) => m.sim.device.id);
  }

  private inTurn<T>(m: Member, task: () => Promise<T>): Promise<T> {
    const result = m.turn.then(task);
    m.turn = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private report(m: Member): void {
    if (m.yielded) return;
    if (m.inFlight >= MAX_IN_FLIGHT || !m.link.ready()) {
      this.counters.skipped++;
      return;
    }
    const d = m.sim.device;
    const topic = m.link.target;
    const reading = m.sim.read((this.o.now ?? Date.now)());
    m.inFlight++;
    this.counters.published++;
    const done = m.link.send(reading).then(
      (delivery) => {
        if (delivery.accepted) this.counters.accepted++;
        else this.counters.refused++;
        this.o.onPublish?.({ device: d.id, topic, ok: true, ...delivery });
      },
      (error: Error) => {
        this.counters.failed++;
        this.o.onPublish?.({ device: d.id, topic, ok: false, error });
      },
    );
    const tracked = done.finally(() => {
      m.inFlight--;
      this.pending.delete(tracked);
    });
    this.pending.add(tracked);
  }

  stats(): FleetStats {
    return {
      devices: this.members.length,
      connected: this.members.filter((m) => m.link.connected).length,
      yielded: this.members.filter((m) => m.yielded).length,
      ...this.counters,
    };
  }

  /** The MQTT connection of one member (for tests and scenarios). */
  clientOf(deviceId: string): DeviceClient | undefined {
    return this.members.find((m) => m.sim.device.id === deviceId)?.link.client;
  }

  /**
   * Clean stop: no new reports, waits for outstanding answers (up to `timeoutMs`), then closes every
   * connection (MQTT devices publish `{"online": false}` retained first, so that no last will fires).
   */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const m of this.members) clearTimeout(m.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    // A hand-over or take-back under way finishes first; a handed-over device has no connection to close.
    await Promise.all(this.members.map((m) => m.turn));
    await Promise.all(this.members.filter((m) => !m.yielded).map((m) => m.link.close(timeoutMs)));
  }
}

export function describePublish(e: PublishEvent): string {
  if (!e.ok) return `${e.device} → ${e.topic}: ${e.error.message}`;
  return 'ack' in e
    ? `${e.device} → ${e.topic}: ${formatPubAck(e.ack)}`
    : `${e.device} → ${e.topic}: 0x8001 result ${e.result}`;
}

/** One line for many failed connections: usually they share one cause (broker down, wrong secrets file). */
function connectFailure(failures: Error[], total: number, url: string): string {
  const byCause = new Map<string, number>();
  for (const f of failures) {
    const cause = f.cause instanceof Error ? f.cause.message : f.message;
    byCause.set(cause, (byCause.get(cause) ?? 0) + 1);
  }
  const causes = [...byCause].map(
    ([cause, n]) => `${cause} (${n === total ? 'every device' : `${n} devices`})`,
  );
  return `${failures.length} of ${total} devices could not connect to ${url}: ${causes.slice(0, 3).join('; ')}`;
}

/** Runs `task` over `items` with at most `limit` at a time, settling every one (in input order). */
async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const results: Array<PromiseSettledResult<R>> = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await task(items[i], i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
