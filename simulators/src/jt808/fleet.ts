import { item, type Fix } from '@lg/jt808';
import type { Reading, SimulatedDevice } from '../devices';
import { seededRandom, seedOf } from '../models/random';
import { Jt808Terminal } from './terminal';

export interface Jt808FleetOptions {
  host: string;
  port: number;
  /** Trucks with a terminal number in the registry; others are refused at start. */
  trucks: readonly SimulatedDevice[];
  speedup?: number;
  now?: () => number;
  stagger?: boolean;
  seed?: number;
  connectConcurrency?: number;
  onTrouble?: (device: string, what: string) => void;
}

export interface Jt808FleetStats {
  devices: number;
  connected: number;
  published: number;
  /** Reports the gateway answered with 0x8001 success (durable in the platform). */
  accepted: number;
  refused: number;
  failed: number;
  skipped: number;
}

const MAX_IN_FLIGHT = 100;

interface Member {
  sim: SimulatedDevice;
  terminal: Jt808Terminal;
  code: string;
  timer?: NodeJS.Timeout;
  inFlight: number;
  reconnecting: boolean;
}

/** A simulated truck reading as the fix its terminal reports. */
export function fixOf(r: Reading): Fix {
  const num = (v: unknown, d = 0) => (typeof v === 'number' ? v : d);
  return {
    ts: r.ts,
    lat: num(r.lat),
    lon: num(r.lon),
    speed: num(r.speed),
    heading: num(r.heading),
    altitude: Math.round(num(r.alt)),
    alarm: num(r.alarm),
    acc: typeof r.ignition === 'boolean' ? r.ignition : true,
    items: typeof r.sats === 'number' ? [item.satellites(r.sats)] : [],
  };
}

/**
 * The demo trucks as JT/T 808 terminals: each registers with its registry identity, authenticates, and
 * reports its model's fixes at its interval over its own TCP connection; after a dropped connection it
 * connects again and authenticates with the code it kept, as a real terminal does. The BCD time has
 * whole seconds, so a speedup that puts two reports of one truck in one second stores the later one.
 */
export class Jt808TruckFleet {
  private readonly pending = new Set<Promise<void>>();
  private readonly counters = { published: 0, accepted: 0, refused: 0, failed: 0, skipped: 0 };
  private stopped = false;

  private constructor(
    private readonly o: Jt808FleetOptions,
    private readonly members: Member[],
  ) {}

  static async start(o: Jt808FleetOptions): Promise<Jt808TruckFleet> {
    for (const s of o.trucks) {
      if (s.device.kind !== 'truck' || !s.device.terminal) {
        throw new Error(`${s.device.id} is not a truck with a JT/T 808 terminal number in the registry`);
      }
    }
    const members: Member[] = [];
    const queue = [...o.trucks];
    const lane = async (): Promise<void> => {
      for (let sim = queue.shift(); sim; sim = queue.shift()) {
        const d = sim.device;
        const terminal = await Jt808Terminal.connect(o.host, o.port, {
          terminal: d.terminal!,
          plate: d.plate ?? '',
          plateColor: d.plateColor ?? 0,
        });
        try {
          members.push({ sim, terminal, code: await terminal.logIn(), inFlight: 0, reconnecting: false });
        } catch (err) {
          await terminal.close();
          throw new Error(`${d.id}: ${(err as Error).message}`, { cause: err });
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(o.connectConcurrency ?? 16, o.trucks.length) }, lane));
    } catch (err) {
      await Promise.all(members.map((m) => m.terminal.close()));
      throw err;
    }
    const fleet = new Jt808TruckFleet(o, members);
    fleet.schedule();
    return fleet;
  }

  private schedule(): void {
    const speedup = this.o.speedup ?? 1;
    const rng = seededRandom(seedOf('stagger-jt808', this.o.seed ?? 1));
    const startedAt = Date.now();
    for (const m of this.members) {
      const intervalMs = (m.sim.device.intervalSec * 1000) / speedup;
      const offset = this.o.stagger === false ? 0 : rng.next() * Math.min(intervalMs, 5000);
      let k = 0;
      const next = (): void => {
        if (this.stopped) return;
        const due = startedAt + offset + k++ * intervalMs;
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
    if (m.terminal.closed) {
      this.counters.skipped++;
      void this.reconnect(m);
      return;
    }
    if (m.inFlight >= MAX_IN_FLIGHT) {
      this.counters.skipped++;
      return;
    }
    const fix = fixOf(m.sim.read((this.o.now ?? Date.now)()));
    m.inFlight++;
    this.counters.published++;
    const done = m.terminal.report(fix).then(
      (result) => {
        if (result === 0) this.counters.accepted++;
        else {
          this.counters.refused++;
          this.o.onTrouble?.(m.sim.device.id, `report answered with result ${result}`);
        }
      },
      (err: Error) => {
        this.counters.failed++;
        this.o.onTrouble?.(m.sim.device.id, err.message);
      },
    );
    const tracked = done.finally(() => {
      m.inFlight--;
      this.pending.delete(tracked);
    });
    this.pending.add(tracked);
  }

  private async reconnect(m: Member): Promise<void> {
    if (m.reconnecting || this.stopped) return;
    m.reconnecting = true;
    try {
      const d = m.sim.device;
      const terminal = await Jt808Terminal.connect(this.o.host, this.o.port, m.terminal.identity);
      const result = await terminal.authenticate(m.code);
      if (result !== 0) m.code = await terminal.logIn();
      m.terminal = terminal;
      this.o.onTrouble?.(d.id, 'reconnected');
    } catch (err) {
      this.o.onTrouble?.(m.sim.device.id, `reconnect failed: ${(err as Error).message}`);
    } finally {
      m.reconnecting = false;
    }
  }

  stats(): Jt808FleetStats {
    return {
      devices: this.members.length,
      connected: this.members.filter((m) => !m.terminal.closed).length,
      ...this.counters,
    };
  }

  /** No new reports; waits for answers (up to `timeoutMs`), then closes every connection (no logout). */
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
    await Promise.all(this.members.map((m) => m.terminal.close()));
  }
}
