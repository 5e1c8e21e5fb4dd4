import Redis from 'ioredis';
import type { MqttClient } from 'mqtt';
import type { Alert } from '@lg/contracts';
import { waitFor, type RedisSentinelSet, type SentinelNode } from '@lg/services';
import { Platform } from '@lg/testing';
import { connectDevice, operatorLive, type LiveClient } from '../e2e/helpers';
import {
  expectRunWhole,
  FAULT_RATE,
  FAULT_TRUCKS,
  NumberedLoad,
  runFigures,
  writeFaultTable,
  type FaultRow,
} from './harness';

/**
 * Redis high availability under load: the platform runs on a Sentinel setup (a master, two replicas, three
 * sentinels) with `REDIS_MIN_REPLICAS=1`, uniquely numbered readings flow at 400/s, and Redis fails. Every
 * acknowledged reading must be stored (a group commit is acknowledged only once a replica holds it, so the
 * new master has it), no alert transition may reach a client twice, and a gas alarm raised as the fault
 * strikes must arrive: the time it took is printed beside the failover time.
 */

/** The sentinels call a master down after this long without an answer. */
const DOWN_AFTER_MS = 1000;
const FAILOVER_TIMEOUT_MS = 3000;
/** The longest a gas alarm may take to reach the operator through a failover (measured: see README). */
const ALERTS_AGAIN_WITHIN_MS = 15_000;

interface HaFault {
  name: string;
  /** Strikes; resolves with the node that was struck. */
  strike(set: RedisSentinelSet): Promise<SentinelNode>;
  /** Whether the master moves. */
  failover: boolean;
  /** How long the fault holds under load before `heal`, ms. */
  holdMs: number;
  heal?(node: SentinelNode): Promise<void>;
}

const FAULTS: HaFault[] = [
  {
    name: 'kill -9 of the Redis master',
    strike: async (set) => {
      const master = await set.master();
      await master.proc.kill();
      return master;
    },
    failover: true,
    holdMs: 3000,
  },
  {
    name: `Redis master stopped (SIGSTOP) for ${(2 * FAILOVER_TIMEOUT_MS) / 1000} s`,
    strike: async (set) => {
      const master = await set.master();
      master.proc.pause();
      return master;
    },
    failover: true,
    holdMs: 2 * FAILOVER_TIMEOUT_MS,
    heal: (node) => Promise.resolve(node.proc.resume()),
  },
  {
    name: 'kill -9 of a Redis replica',
    strike: async (set) => {
      const master = await set.master();
      const replica = set.nodes.find((n) => n !== master)!;
      await replica.proc.kill();
      return replica;
    },
    failover: false,
    holdMs: 3000,
  },
];

interface HaRow extends FaultRow {
  failoverMs: number | null;
  alertAfterMs: number;
}

const rows: HaRow[] = [];

describe('Redis high availability (Sentinel)', () => {
  afterAll(() =>
    writeFaultTable('faults-redis-ha', rows, [
      ['new master after', (r) => (r.failoverMs === null ? '–' : `${(r.failoverMs / 1000).toFixed(1)} s`)],
      ['gas alarm delivered after', (r) => `${(r.alertAfterMs / 1000).toFixed(1)} s`],
    ]),
  );

  for (const fault of FAULTS) {
    it(fault.name, async () => {
      const platform = await Platform.start({
        sentinel: { downAfterMs: DOWN_AFTER_MS, failoverTimeoutMs: FAILOVER_TIMEOUT_MS },
        env: { LOG_LEVEL: 'error', REDIS_MIN_REPLICAS: '1' },
      });
      const set = platform.services.sentinel!;
      let operator: LiveClient | undefined;
      let gas: MqttClient | undefined;
      let struck: SentinelNode | undefined;
      try {
        operator = await operatorLive(platform);
        gas = await connectDevice(platform.services.mqttUrl, 'P01', 'P01', true);
        const load = new NumberedLoad(platform, FAULT_TRUCKS, FAULT_RATE);
        await load.start();
        await waitFor(
          'load to be acknowledged before the fault',
          () => load.ackedCount >= FAULT_RATE * 2,
          30_000,
        );

        const oldMaster = await set.masterPort();
        const struckAt = Date.now();
        const node = await fault.strike(set);
        // Kept for the finally block, which resumes it if the test fails midway.
        struck = node;
        // The gas alarm goes off as Redis fails: it must arrive, once, and we time it.
        await gas.publishAsync(
          `${platform.root}/gas/P01/G001/telemetry`,
          JSON.stringify({ ts: Date.now(), lel: 62 }),
          { qos: 1 },
        );
        const live = operator;
        const alarm = (a: Alert) => a.device === 'G001' && a.severity === 'red';
        const alarmArrived = waitFor(
          'the gas alarm raised as Redis failed',
          () => live.alerts.some(alarm),
          60_000,
          10,
        ).then(() => Date.now() - struckAt);
        let failoverMs: number | null = null;
        if (fault.failover) {
          await set.waitForFailover(oldMaster, 30_000);
          failoverMs = Date.now() - struckAt;
          console.log(`${fault.name}: the sentinels named a new master ${failoverMs} ms after the fault`);
        }
        await load.holdThenHeal(
          (FAULT_RATE * fault.holdMs) / 1000,
          fault.holdMs * 3,
          () => fault.heal?.(node),
          60_000,
        );
        const alertAfterMs = await alarmArrived;
        console.log(`${fault.name}: gas alarm delivered ${alertAfterMs} ms after the fault`);
        await load.stop();

        // The apps report where they are connected now: the master the sentinels name.
        const master = await set.masterPort();
        for (const app of ['ingest', 'worker', 'gateway']) {
          await waitFor(
            `${app} /ready on the master at port ${master}`,
            async () => {
              const res = await fetch(`${platform.url(app)}/ready`);
              return res.status === 200 && (await res.text()).includes(`127.0.0.1:${master}`);
            },
            30_000,
            200,
          );
        }
        if (fault.heal && fault.failover) {
          // The old master came back: the sentinels make it a replica of the new one.
          const port = node.port;
          await waitFor(
            'the old master to rejoin as a replica',
            async () => {
              const probe = new Redis({
                port,
                lazyConnect: true,
                maxRetriesPerRequest: 0,
                retryStrategy: () => null,
              });
              probe.on('error', () => undefined);
              try {
                await probe.connect();
                return (await probe.info('replication')).includes('role:slave');
              } finally {
                probe.disconnect();
              }
            },
            30_000,
            200,
          );
        }

        const stored = await load.stored();
        const figures = runFigures(load, stored, live.alerts);
        const row: HaRow = { fault: fault.name, ...figures, failoverMs, alertAfterMs };
        rows.push(row);
        await expectRunWhole(platform, figures, stored.extra);
        expect(alertAfterMs).toBeLessThan(ALERTS_AGAIN_WITHIN_MS);
      } finally {
        // A stopped node must run again before it can be stopped.
        struck?.proc.resume();
        operator?.close();
        await gas?.endAsync();
        await platform.stop();
      }
    });
  }
});
