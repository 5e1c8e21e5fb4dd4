import { deviceTopic } from '@lg/contracts';
import type { Device } from '@lg/registry';
import { DeviceClient, formatPubAck, type PubAck } from './device-client';
import type { SimulatedDevice } from './devices';
import { seededRandom, seedOf } from './models/random';

export const ONLINE = JSON.stringify({ online: true });
export const OFFLINE = JSON.stringify({ online: false });

export function statusTopic(root: string, d: Device): string {
  return deviceTopic(root, { kind: d.kind, owner: d.owner, device: d.id, channel: 'status' });
}

export function telemetryTopic(root: string, d: Device): string {
  return deviceTopic(root, { kind: d.kind, owner: d.owner, device: d.id, channel: 'telemetry' });
}

export interface FleetOptions {
  url: string;
  root: string;
  devices: readonly SimulatedDevice[];
  /** The MQTT password of an identity (demo: the name itself; production: from the secrets file). */
  passwordOf: (username: string) => string;
  /** Every reporting interval is divided by this (default 1). */
  speedup?: number;
  /** Event time of a reading; wall clock by default. */
  now?: () => number;
  /** Spreads the fleet's first reports over the first interval (default true); off in tests for speed. */
  stagger?: boolean;
  seed?: number;
  /** Called after every publish with the broker's answer (or the error). */
  onPublish?: (event: PublishEvent) => void;
  /** Connection trouble after start: offline, reconnecting, errors. */
  onTrouble?: (device: string, what: string) => void;
  /**
   * Connections opened at once (default 32). Hundreds of simultaneous CONNECTs make the broker's replies
   * late enough to time out; a paced start connects ~500 devices in a second or two.
   */
  connectConcurrency?: number;
  /** Called as devices connect, with how many have and how many there are. */
  onConnected?: (connected: number, total: number) => void;
}

export type PublishEvent =
  | { device: string; topic: string; ok: true; ack: PubAck }
  | { device: string; topic: string; ok: false; error: Error };

export interface FleetStats {
  devices: number;
  connected: number;
  published: number;
  accepted: number;
  refused: number;
  failed: number;
  /** Readings not sent because too many of the device's publishes were still awaiting their ack. */
  skipped: number;
}

/** Publishes awaiting their ack beyond which a device skips readings rather than queue without bound. */
const MAX_IN_FLIGHT = 100;

interface Member {
  sim: SimulatedDevice;
  client: DeviceClient;
  timer?: NodeJS.Timeout;
  inFlight: number;
}

/**
 * A fleet of simulated devices, each on its own MQTT connection as itself (client ID, username = device
 * ID), with a retained `{"online": false}` last will and `{"online": true}` on every connect. Each reports
 * at its registry interval (divided by `speedup`). A later scenario or load mode can drive the same members
 * with other models or schedules.
 */
export class Fleet {
  private readonly members: Member[];
  private readonly pending = new Set<Promise<void>>();
  private readonly counters = { published: 0, accepted: 0, refused: 0, failed: 0, skipped: 0 };
  private stopped = false;

  private constructor(
    private readonly o: FleetOptions,
    members: Member[],
  ) {
    this.members = members;
  }

  /** Connects every device (rejecting, with every connection closed, if any cannot) and starts reporting. */
  static async start(o: FleetOptions): Promise<Fleet> {
    const jitter = seededRandom(seedOf('reconnect', o.seed ?? 1));
    let connected = 0;
    const results = await inBatches(o.devices, o.connectConcurrency ?? 32, async (sim) => {
      const d = sim.device;
      const client = await DeviceClient.connect({
        url: o.url,
        clientId: d.id,
        username: d.id,
        password: o.passwordOf(d.id),
        will: { topic: statusTopic(o.root, d), payload: OFFLINE },
        onConnect: { topic: statusTopic(o.root, d), payload: ONLINE },
        // Spread reconnects: after a broker restart the whole fleet must not knock at the same instant.
        reconnectPeriodMs: 2000 + Math.round(jitter.next() * 3000),
      });
      o.onConnected?.(++connected, o.devices.length);
      return { sim, client, inFlight: 0 } satisfies Member;
    });
    const members = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    if (failures.length > 0) {
      await Promise.all(members.map((m) => m.client.abort()));
      throw new Error(connectFailure(failures, o.devices.length, o.url));
    }
    const fleet = new Fleet(o, members);
    fleet.schedule();
    return fleet;
  }

  private schedule(): void {
    const speedup = this.o.speedup ?? 1;
    const rng = seededRandom(seedOf('stagger', this.o.seed ?? 1));
    const startedAt = Date.now();
    for (const m of this.members) {
      m.client.onTrouble((what, err) =>
        this.o.onTrouble?.(m.sim.device.id, err ? `${what}: ${err.message}` : what),
      );
      const intervalMs = (m.sim.device.intervalSec * 1000) / speedup;
      const offset = this.o.stagger === false ? 0 : rng.next() * Math.min(intervalMs, 5000);
      let k = 0;
      // Each report is scheduled from the start time, so intervals do not drift with timer lateness.
      const next = (): void => {
        if (this.stopped) return;
        const due = startedAt + offset + k * intervalMs;
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
  }

  private report(m: Member): void {
    if (m.inFlight >= MAX_IN_FLIGHT) {
      this.counters.skipped++;
      return;
    }
    const d = m.sim.device;
    const topic = telemetryTopic(this.o.root, d);
    const reading = m.sim.read((this.o.now ?? Date.now)());
    m.inFlight++;
    this.counters.published++;
    const done = m.client.publish(topic, JSON.stringify(reading)).then(
      (ack) => {
        if (ack.accepted) this.counters.accepted++;
        else this.counters.refused++;
        this.o.onPublish?.({ device: d.id, topic, ok: true, ack });
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
      connected: this.members.filter((m) => m.client.connected).length,
      ...this.counters,
    };
  }

  /** The connection of one member (for tests and scenarios). */
  clientOf(deviceId: string): DeviceClient | undefined {
    return this.members.find((m) => m.sim.device.id === deviceId)?.client;
  }

  /**
   * Clean stop: no new reports, waits for outstanding acks (up to `timeoutMs`), then each device publishes
   * `{"online": false}` retained and disconnects, so that no last will fires.
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
    await Promise.all(
      this.members.map((m) =>
        m.client.close({ topic: statusTopic(this.o.root, m.sim.device), payload: OFFLINE }, timeoutMs),
      ),
    );
  }
}

export function describePublish(e: PublishEvent): string {
  return e.ok
    ? `${e.device} → ${e.topic}: ${formatPubAck(e.ack)}`
    : `${e.device} → ${e.topic}: ${e.error.message}`;
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
  task: (item: T) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const results: Array<PromiseSettledResult<R>> = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await task(items[i]) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
