import { randomBytes } from 'node:crypto';
import { fleetTopic, SIMULATOR_CONTROL_USERS, yieldedTopic, yieldTopic } from '@lg/contracts';
import { DeviceClient } from './device-client';
import type { Fleet } from './fleet';

/**
 * The demo fleet yields devices to scenarios (docs/simulators.md, "The demo yields devices to scenarios").
 * A scenario run announces the devices it drives, retained on `<root>/_sim/yield/<run>` with an MQTT 5
 * expiry (its lease), renewed while it runs and cleared when it ends; the demo fleet stops and disconnects
 * those devices while any lease names them, answers on `<root>/_sim/yielded/<run>` once it has, and takes
 * them back when the lease is cleared or expires (a killed run). The fleet says it listens with a retained
 * `<root>/_sim/fleet` (its last will says it no longer does), so that a run without a fleet does not wait.
 * Two identities of the broker's device listener, in demo mode only, may use these topics; no registry
 * identity may, so no device or company can silence another's devices.
 */

/** A lease left unrenewed this long ends: a killed scenario run gives its devices back within it. */
export const DEFAULT_LEASE_SEC = 30;
/** Devices one announcement may name (the largest flood scenarios drive a few hundred). */
export const MAX_YIELD_DEVICES = 5000;

/** A device the fleet could not take back (broker away) is tried again this much later. */
const RETRY_MS = 5000;

/** What a fleet makes of one message on `_sim/yield/<run>`: a lease, the run's end, or an error. */
export type YieldMessage =
  | { kind: 'lease'; devices: string[]; leaseMs: number }
  | { kind: 'release' }
  | { kind: 'invalid'; error: string };

/** Parses an announcement; `expirySec` is what the broker says is left of its MQTT 5 expiry. */
export function parseYield(payload: Buffer, expirySec: number | undefined): YieldMessage {
  if (payload.length === 0) return { kind: 'release' };
  if (payload.length > MAX_YIELD_DEVICES * 80) return { kind: 'invalid', error: 'too large' };
  if (expirySec === undefined || expirySec <= 0)
    return { kind: 'invalid', error: 'no message expiry (the lease)' };
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { kind: 'invalid', error: 'not JSON' };
  }
  const devices = (body as { devices?: unknown } | null)?.devices;
  if (!Array.isArray(devices) || devices.length > MAX_YIELD_DEVICES)
    return { kind: 'invalid', error: `"devices" must be an array of at most ${MAX_YIELD_DEVICES} IDs` };
  if (!devices.every((d) => typeof d === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(d)))
    return { kind: 'invalid', error: '"devices" must hold device IDs' };
  return { kind: 'lease', devices: devices as string[], leaseMs: expirySec * 1000 };
}

/** The leases a fleet holds, per run: pure, so that which devices are yielded at a time is testable. */
export class YieldBook {
  private readonly leases = new Map<string, { devices: ReadonlySet<string>; until: number }>();

  lease(run: string, devices: readonly string[], until: number): void {
    this.leases.set(run, { devices: new Set(devices), until });
  }

  release(run: string): void {
    this.leases.delete(run);
  }

  /** Drops the leases ended by `now`. */
  expire(now: number): void {
    for (const [run, l] of this.leases) if (l.until <= now) this.leases.delete(run);
  }

  /** Every device some lease names. */
  yielded(): Set<string> {
    const out = new Set<string>();
    for (const l of this.leases.values()) for (const d of l.devices) out.add(d);
    return out;
  }

  /** When the next lease ends, if any. */
  nextEnd(): number | undefined {
    let next: number | undefined;
    for (const l of this.leases.values()) next = next === undefined ? l.until : Math.min(next, l.until);
    return next;
  }
}

export interface ControlOptions {
  url: string;
  root: string;
  passwordOf: (username: string) => string;
}

/**
 * The demo fleet's side: listens to announcements, hands the devices named over and takes them back.
 * Every change is applied in order (one at a time), so that a quick release-and-lease cannot interleave.
 */
export class FleetYield {
  private readonly book = new YieldBook();
  private timer?: NodeJS.Timeout;
  private applying: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly client: DeviceClient,
    private readonly fleets: readonly Fleet[],
    private readonly o: ControlOptions & { log?: (line: string) => void },
  ) {}

  static async start(
    fleets: readonly Fleet[],
    o: ControlOptions & { log?: (line: string) => void },
  ): Promise<FleetYield> {
    const client = await DeviceClient.connect({
      url: o.url,
      clientId: SIMULATOR_CONTROL_USERS.fleet,
      username: SIMULATOR_CONTROL_USERS.fleet,
      password: o.passwordOf(SIMULATOR_CONTROL_USERS.fleet),
      will: { topic: fleetTopic(o.root), payload: JSON.stringify({ listening: false }) },
      onConnect: { topic: fleetTopic(o.root), payload: JSON.stringify({ listening: true }) },
    });
    const control = new FleetYield(client, fleets, o);
    const prefix = yieldTopic(o.root, '');
    await client.subscribe(`${prefix}+`, (topic, payload, expirySec) => {
      if (!topic.startsWith(prefix)) return;
      control.onAnnouncement(topic.slice(prefix.length), payload, expirySec);
    });
    return control;
  }

  private onAnnouncement(run: string, payload: Buffer, expirySec: number | undefined): void {
    const m = parseYield(payload, expirySec);
    if (m.kind === 'invalid') {
      this.o.log?.(`ignored the announcement of scenario run ${run}: ${m.error}`);
      return;
    }
    if (m.kind === 'release') this.book.release(run);
    else this.book.lease(run, m.devices, Date.now() + m.leaseMs);
    this.apply(m.kind === 'lease' ? run : undefined);
  }

  /** Brings the fleets in line with the book; then answers `run`'s announcement. */
  private apply(answer?: string): void {
    this.applying = this.applying.then(async () => {
      if (this.closed) return;
      this.book.expire(Date.now());
      const yielded = this.book.yielded();
      const handed: string[] = [];
      const back: string[] = [];
      let retry = false;
      for (const fleet of this.fleets) {
        for (const id of yielded) {
          if (fleet.has(id) && (await fleet.yieldDevice(id))) handed.push(id);
        }
        for (const id of fleet.yieldedDevices()) {
          if (yielded.has(id)) continue;
          try {
            if (await fleet.resumeDevice(id)) back.push(id);
          } catch (err) {
            // The broker may be away: the device is taken back on a later try.
            this.o.log?.(`cannot take ${id} back yet: ${(err as Error).message}`);
            retry = true;
          }
        }
      }
      if (handed.length) this.o.log?.(`handed ${handed.length} devices to a scenario: ${brief(handed)}`);
      if (back.length) this.o.log?.(`took ${back.length} devices back from scenarios: ${brief(back)}`);
      if (answer) {
        const mine = [...yielded].filter((id) => this.fleets.some((f) => f.isYielded(id)));
        await this.client
          .publish(yieldedTopic(this.o.root, answer), JSON.stringify({ devices: mine }))
          .catch(() => undefined);
      }
      clearTimeout(this.timer);
      const ends = [this.book.nextEnd(), retry ? Date.now() + RETRY_MS : undefined];
      const next = ends.reduce((a, b) => (a === undefined ? b : b === undefined ? a : Math.min(a, b)));
      if (next !== undefined) this.timer = setTimeout(() => this.apply(), Math.max(0, next - Date.now()));
    });
  }

  /** Stops listening (the fleets stop on their own); says so on `_sim/fleet`. */
  async stop(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.applying;
    await this.client.close({
      topic: fleetTopic(this.o.root),
      payload: JSON.stringify({ listening: false }),
    });
  }
}

function brief(ids: readonly string[]): string {
  return ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 10).join(', ')} …`;
}

/**
 * A scenario run's side: announces its devices, waits for a listening fleet to have handed them over,
 * renews the lease while it runs and releases them at the end.
 */
export class ScenarioYield {
  private renewal?: NodeJS.Timeout;

  private constructor(
    private readonly client: DeviceClient,
    private readonly topic: string,
    private readonly payload: string,
    private readonly leaseSec: number,
  ) {}

  /**
   * Connects as the scenario control identity and announces `devices`. Resolves with what the fleet
   * handed over (an empty list when no fleet listens), or `undefined` when the broker has no control
   * identity (not the demo): then nothing is announced and nothing yields.
   */
  static async announce(
    devices: readonly string[],
    o: ControlOptions & { leaseSec?: number; answerTimeoutMs?: number },
  ): Promise<{ control: ScenarioYield; handed: string[] } | undefined> {
    let password: string;
    try {
      password = o.passwordOf(SIMULATOR_CONTROL_USERS.scenario);
    } catch {
      return undefined;
    }
    const client = await DeviceClient.connect({
      url: o.url,
      clientId: SIMULATOR_CONTROL_USERS.scenario,
      username: SIMULATOR_CONTROL_USERS.scenario,
      password,
      reconnectPeriodMs: 0,
    }).catch(() => undefined);
    if (!client) return undefined;
    const run = randomBytes(6).toString('hex');
    const leaseSec = o.leaseSec ?? DEFAULT_LEASE_SEC;
    let listening = false;
    let answer: string[] | undefined;
    try {
      await client.subscribe(fleetTopic(o.root), (topic, payload) => {
        if (topic !== fleetTopic(o.root)) return;
        try {
          listening = (JSON.parse(payload.toString('utf8')) as { listening?: unknown }).listening === true;
        } catch {
          listening = false;
        }
      });
      await client.subscribe(yieldedTopic(o.root, run), (topic, payload) => {
        if (topic !== yieldedTopic(o.root, run)) return;
        try {
          const body = JSON.parse(payload.toString('utf8')) as { devices?: unknown };
          answer = Array.isArray(body.devices) ? body.devices.filter((d) => typeof d === 'string') : [];
        } catch {
          answer = [];
        }
      });
      const control = new ScenarioYield(
        client,
        yieldTopic(o.root, run),
        JSON.stringify({ devices: devices.slice(0, MAX_YIELD_DEVICES) }),
        leaseSec,
      );
      // The broker sends the retained `_sim/fleet` before it acknowledges this later publish.
      await control.publish();
      if (!listening) return { control, handed: [] };
      const deadline = Date.now() + (o.answerTimeoutMs ?? 10_000);
      while (answer === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      if (answer === undefined) {
        await control.release();
        throw new Error('the demo fleet did not answer the scenario run’s announcement of its devices');
      }
      control.renewal = setInterval(
        () => void control.publish().catch(() => undefined),
        (leaseSec * 1000) / 3,
      );
      return { control, handed: answer };
    } catch (err) {
      await client.abort();
      throw err;
    }
  }

  private async publish(): Promise<void> {
    const ack = await this.client.publish(this.topic, this.payload, {
      retain: true,
      expirySec: this.leaseSec,
    });
    if (!ack.accepted) throw new Error(`the broker refused the announcement (${ack.reason})`);
  }

  /** Drops the connection without giving the devices back, as a killed run would: the lease runs out. */
  async abandon(): Promise<void> {
    clearInterval(this.renewal);
    await this.client.abort();
  }

  /** Gives the devices back: clears the retained announcement, then disconnects. */
  async release(): Promise<void> {
    clearInterval(this.renewal);
    await this.client.publish(this.topic, '', { retain: true }).catch(() => undefined);
    await this.client.close();
  }
}
