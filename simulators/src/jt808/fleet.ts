import { item, type Fix } from '@lg/jt808';
import type { Reading, SimulatedDevice } from '../devices';
import { Fleet, type Link, type ScheduleOptions, type Transport } from '../fleet';
import { Jt808Terminal } from './terminal';

export interface Jt808FleetOptions extends ScheduleOptions {
  host: string;
  port: number;
  /** Trucks with a terminal number in the registry; others are refused at start. */
  trucks: readonly SimulatedDevice[];
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
 * Each truck as a JT/T 808 terminal on a TCP connection of its own: it registers with its registry
 * identity and authenticates; a reading is a 0x0200 report, taken when the gateway answers 0x8001 success
 * (once the reading is durable). After a dropped connection it connects again and authenticates with the
 * code it kept, as a real terminal does (registering again only if the code is refused).
 */
export function jt808Transport(at: { host: string; port: number }): Transport {
  return {
    address: `tcp://${at.host}:${at.port}`,
    concurrency: 16,
    connect: async (sim) => {
      const d = sim.device;
      if (d.kind !== 'truck' || !d.terminal)
        throw new Error(`${d.id} is not a truck with a JT/T 808 terminal number in the registry`);
      let terminal = await Jt808Terminal.connect(at.host, at.port, {
        terminal: d.terminal,
        plate: d.plate ?? '',
        plateColor: d.plateColor ?? 0,
      });
      let code: string;
      try {
        code = await terminal.logIn();
      } catch (err) {
        await terminal.close();
        throw new Error(`${d.id}: ${(err as Error).message}`, { cause: err });
      }
      let trouble: (what: string) => void = () => undefined;
      let reconnecting = false;
      let stopped = false;
      const reconnect = async (): Promise<void> => {
        if (reconnecting || stopped) return;
        reconnecting = true;
        try {
          const again = await Jt808Terminal.connect(at.host, at.port, terminal.identity);
          if ((await again.authenticate(code)) !== 0) code = await again.logIn();
          terminal = again;
          trouble('reconnected');
        } catch (err) {
          trouble(`reconnect failed: ${(err as Error).message}`);
        } finally {
          reconnecting = false;
        }
      };
      const link: Link = {
        target: `jt808:${d.terminal}`,
        get connected() {
          return !terminal.closed;
        },
        ready: () => {
          if (!terminal.closed) return true;
          void reconnect();
          return false;
        },
        send: async (reading) => {
          const result = await terminal.report(fixOf(reading));
          return { accepted: result === 0, result };
        },
        onTrouble: (report) => (trouble = report),
        // No logout: a demo truck that stops is a terminal switched off, not one taken out of service.
        close: () => {
          stopped = true;
          return terminal.close();
        },
        // The scenario logs in as the same terminal: this one simply goes away.
        handOver: () => {
          stopped = true;
          return terminal.close();
        },
        abort: () => terminal.close(),
      };
      return link;
    },
  };
}

/** The demo trucks as JT/T 808 terminals (`npm run sim -- run --protocol jt808`). */
export function startJt808Fleet(o: Jt808FleetOptions): Promise<Fleet> {
  return Fleet.over(jt808Transport(o), o.trucks, o);
}
