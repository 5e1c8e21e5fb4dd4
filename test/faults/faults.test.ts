import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import type { Alert } from '@lg/contracts';
import { connectDevice, operatorLive, type LiveClient } from '../e2e/helpers';
import {
  expectRunWhole,
  FAULT_RATE,
  FAULT_TRUCKS,
  NumberedLoad,
  PeakMemory,
  results,
  runFigures,
  writeFaultTable,
  type FaultRow,
} from './harness';
import { fastDevice, longTopicFlood, OBSERVER, retainedAndOversized } from './abuse';

/**
 * The fault suite (`npm run test:faults`): for each fault, uniquely numbered readings are published
 * under load while the fault strikes; afterwards the stored set must equal the acknowledged set exactly,
 * a gas alarm raised during the fault must arrive, and no alert transition may arrive twice.
 */

/** What an abusive client's strike leaves to check and report once the load is over. */
interface Abuse {
  /** Checks of the abuser's own traffic (e.g. its acknowledged readings stored). */
  check?(): Promise<void>;
  summary(): string | Promise<string>;
}

interface Fault {
  name: string;
  /** Extra worker processes, for faults that take one away. */
  workers?: number;
  /** Environment of the apps (the suite runs them at LOG_LEVEL error). */
  env?: Record<string, string>;
  /** Returns an Abuse for the rows of abusive clients: no process may die in those. */
  strike(platform: Platform): Promise<void | Abuse>;
  /** Time the fault lasts under load before `heal`, ms. */
  holdMs?: number;
  heal?(platform: Platform): Promise<void>;
  /** A device flooding beside the load. */
  flood?: boolean;
  /**
   * A heavier load than the default five trucks at 400/s: every truck of the registry, `rate` readings/s,
   * and `holdReadings` of them published while the fault holds.
   */
  fleet?: { rate: number; holdReadings: number };
}

/** Ten minutes of the district's nominal load (156 trucks at 1 Hz, 71 slope and 300 gas sensors). */
const TEN_MINUTES_NOMINAL = 168 * 600;

const FAULTS: Fault[] = [
  {
    name: 'kill -9 of ingest',
    strike: (p) => p.kill('ingest'),
    heal: (p) => p.restart('ingest', 'ingest'),
  },
  {
    // An outage sized like ten minutes at the nominal load, sent faster: the broker queues it for ingest's
    // persistent sessions and ingest works through it when it is back.
    name: 'ingest down for ten minutes of nominal traffic',
    strike: (p) => p.kill('ingest'),
    fleet: { rate: 4000, holdReadings: TEN_MINUTES_NOMINAL },
    heal: (p) => p.restart('ingest', 'ingest'),
  },
  {
    name: 'kill -9 of a worker (another takes over)',
    workers: 2,
    strike: (p) => p.kill('worker'),
  },
  {
    name: 'kill -9 of the gateway',
    strike: (p) => p.kill('gateway'),
    heal: (p) => p.restart('gateway', 'gateway'),
  },
  {
    name: 'Redis restart',
    strike: (p) => p.services.restart('redis'),
  },
  {
    name: 'InfluxDB stopped (SIGSTOP) for a minute',
    strike: (p) => Promise.resolve(p.services.influx.pause()),
    holdMs: 60_000,
    heal: (p) => Promise.resolve(p.services.influx.resume()),
  },
  {
    name: 'broker restart',
    strike: (p) => p.services.restart('mosquitto'),
  },
  {
    name: 'a flooding device',
    strike: () => Promise.resolve(),
    flood: true,
  },
  {
    // Issue 13's incident: ingest died of 60,000-character topics and died again on their replay.
    name: 'a flood of 60,000-character topics from one owner, ingest killed mid-flood',
    // Rejections are logged as warnings: the row shows what the flood costs the log.
    env: { LOG_LEVEL: 'warn' },
    strike: async (p) => {
      const flood = { viaOwner: 200, viaBroker: 2500, killAfter: 800 };
      const logBefore = logSize(p, 'ingest');
      const summary = await longTopicFlood(p, flood);
      return {
        check: async () => {
          // The restarted ingest was handed the rest of the flood, refused it, and lived.
          await waitFor(
            'the replayed flood refused by the restarted ingest',
            async () => (await rejected(p, 'bad_topic')) >= flood.viaBroker - flood.killAfter,
            60_000,
            500,
          );
        },
        summary: async () =>
          `${summary()}; the restarted ingest refused ${await rejected(p, 'bad_topic')} as bad_topic, ingest's ` +
          `log grew ${logSize(p, 'ingest') - logBefore} bytes over the flood and its replay`,
      };
    },
    heal: (p) => p.restart('ingest', 'ingest'),
  },
  {
    name: 'retained and oversized publishes from one owner',
    strike: async (p) => {
      const abuse = await retainedAndOversized(p, { retained: 100, tooLarge: 20 });
      return {
        check: async () => {
          for (const [truck, times] of abuse.retainedTs)
            await waitFor(
              `the retained readings of ${truck} stored`,
              () => allStored(p, truck, times),
              30_000,
              500,
            );
        },
        summary: abuse.summary,
      };
    },
  },
  {
    name: 'one device at 100 times its rate',
    strike: async (p) => {
      const abuse = await fastDevice(p, { seconds: 15, rate: 100 });
      return {
        check: async () => {
          await waitFor(
            `every acknowledged reading of ${abuse.device} stored`,
            () => allStored(p, abuse.device, abuse.acked),
            60_000,
            500,
          );
          expect(abuse.refusedNotices()).toBe(0);
        },
        summary: abuse.summary,
      };
    },
  },
];

/** Bytes of an app's log in the platform's folder. */
function logSize(p: Platform, app: string): number {
  return statSync(join(p.dir, `${app}.log`)).size;
}

/** Ingest's count of refusals for a reason, from its /metrics. */
async function rejected(p: Platform, reason: string): Promise<number> {
  const text = await (await fetch(`${p.url('ingest')}/metrics`)).text();
  let sum = 0;
  for (const m of text.matchAll(
    new RegExp(`^lg_ingest_rejected_total\\{reason="${reason}"[^}]*\\} (\\d+)`, 'gm'),
  ))
    sum += Number(m[1]);
  return sum;
}

/** Whether InfluxDB holds a truck reading at each of `times`. */
async function allStored(p: Platform, truck: string, times: number[]): Promise<boolean> {
  const from = Math.min(...times);
  const to = Math.max(...times);
  const rows = await p.influxQuery(
    `SELECT speed FROM raw_truck.truck WHERE device = '${truck}' AND time >= ${from}ms AND time <= ${to}ms`,
  );
  const have = new Set(rows.map((r) => Number(r.time)));
  return times.every((t) => have.has(t));
}

describe('fault suite', () => {
  afterAll(() =>
    writeFaultTable(
      'faults',
      results,
      [
        [
          'peak RSS MB: ingest · broker · gateway',
          (r) =>
            r.peakRssMb ? `${r.peakRssMb.ingest} · ${r.peakRssMb.broker} · ${r.peakRssMb.gateway}` : '–',
        ],
      ],
      results.filter((r) => r.abuse).map((r) => `- ${r.fault}: ${r.abuse}`),
    ),
  );

  for (const fault of FAULTS) {
    it(fault.name, async () => {
      const platform = await Platform.start({
        env: { LOG_LEVEL: 'error', ...fault.env },
        observers: [OBSERVER],
      });
      const memory = new PeakMemory(platform);
      let operator: LiveClient | undefined;
      let gas: MqttClient | undefined;
      let flooder: MqttClient | undefined;
      try {
        for (let i = 2; i <= (fault.workers ?? 1); i++) await platform.startApp('worker', {}, `worker${i}`);
        operator = await operatorLive(platform);
        gas = await connectDevice(platform.services.mqttUrl, 'P01', 'P01', true);
        const rate = fault.fleet?.rate ?? FAULT_RATE;
        const trucks = fault.fleet
          ? platform.registry
              .allDevices()
              .filter((d) => d.kind === 'truck')
              .map((d) => ({ id: d.id, owner: d.owner }))
          : FAULT_TRUCKS;
        const load = new NumberedLoad(platform, trucks, rate);
        await load.start();
        let flooding: Promise<void> | undefined;
        if (fault.flood) {
          // The device itself: its company's identity is taken by the numbered load (one session each).
          flooder = await connectDevice(platform.services.mqttUrl, 'T005', 'T005', true);
          const f = flooder;
          flooding = (async () => {
            // T005 floods with 3,000 readings as fast as the broker takes them, its event times in a
            // range of their own so they do not mix with the numbered load.
            const start = Date.now() - 7_200_000;
            for (let i = 0; i < 3000; i += 100) {
              await Promise.all(
                Array.from({ length: 100 }, (_, k) =>
                  f.publishAsync(
                    `${platform.root}/truck/C02/T005/telemetry`,
                    JSON.stringify({ ts: start + (i + k) * 10, lat: 22.7, lon: 114.3, speed: 10 }),
                    { qos: 1 },
                  ),
                ),
              );
            }
          })();
        }
        // The fault strikes under load, holds while a set number of readings is published, and heals;
        // the load goes on until readings are acknowledged again.
        await waitFor('load to be acknowledged before the fault', () => load.ackedCount >= rate * 2, 30_000);
        const abuse = await fault.strike(platform);
        // The gas alarm goes off while the fault holds: it must still arrive, once.
        await gas.publishAsync(
          `${platform.root}/gas/P01/G001/telemetry`,
          JSON.stringify({ ts: Date.now(), lel: 62 }),
          {
            qos: 1,
          },
        );
        const holdReadings = fault.fleet?.holdReadings ?? (FAULT_RATE * (fault.holdMs ?? 3000)) / 1000;
        await load.holdThenHeal(
          holdReadings,
          Math.max(9000, (holdReadings / rate) * 3000),
          () => fault.heal?.(platform),
          120_000,
        );
        await load.stop();
        await flooding;

        if (fault.name.includes('gateway')) {
          // The client's connection died with the gateway: a new one gets the open alerts on connect.
          operator.close();
          operator = await operatorLive(platform);
        }
        const storedResult = await load.stored();
        const live = operator;
        await waitFor(
          'the gas alarm raised during the fault',
          () =>
            [...live.alerts, ...(live.initial ?? [])].some(
              (a: Alert) => a.device === 'G001' && a.severity === 'red',
            ),
          60_000,
        );
        if (abuse) {
          await abuse.check?.();
          // No process died of it: every app and service still runs (a killed ingest was started again).
          for (const [name, app] of platform.apps) expect([name, app.proc.alive]).toEqual([name, true]);
          const s = platform.services;
          expect([s.mosquitto.alive, s.redis.alive, s.influx.alive]).toEqual([true, true, true]);
        }
        const figures = runFigures(load, storedResult, live.alerts);
        const row: FaultRow = {
          fault: fault.name,
          ...figures,
          peakRssMb: memory.stop(),
          ...(abuse ? { abuse: await abuse.summary() } : {}),
        };
        results.push(row);
        await expectRunWhole(platform, figures, storedResult.extra);
      } finally {
        memory.stop();
        operator?.close();
        await gas?.endAsync();
        await flooder?.endAsync();
        await platform.stop();
      }
    });
  }
});
