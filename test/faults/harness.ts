import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { Alert } from '@lg/contracts';
import type { Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import { login } from '../e2e/helpers';

/** A fault row's load unless it says otherwise: five trucks of two companies, this many readings/s in all. */
export const FAULT_TRUCKS = [
  { id: 'T001', owner: 'C01' },
  { id: 'T002', owner: 'C01' },
  { id: 'T003', owner: 'C01' },
  { id: 'T004', owner: 'C02' },
  { id: 'T005', owner: 'C02' },
];
export const FAULT_RATE = 400;

/**
 * A steady load of uniquely numbered truck readings (unique event time per truck), published with QoS 1
 * through the companies' own identities. Every reading whose PUBACK came back is "acknowledged"; the
 * fault suite then checks that InfluxDB holds exactly that set.
 */
export class NumberedLoad {
  readonly acked = new Map<string, Set<number>>();
  private readonly clients = new Map<string, MqttClient>();
  private running = false;
  private loop: Promise<void> | undefined;
  sent = 0;
  ackedCount = 0;

  constructor(
    private readonly platform: Platform,
    private readonly trucks: Array<{ id: string; owner: string }>,
    private readonly ratePerSec: number,
    private readonly base = Date.now() - 3_600_000,
  ) {}

  async start(): Promise<void> {
    for (const owner of new Set(this.trucks.map((t) => t.owner))) {
      const client = mqtt.connect(this.platform.services.mqttUrl, {
        username: owner,
        password: owner,
        clientId: `load-${owner}-${Math.random().toString(36).slice(2, 8)}`,
        protocolVersion: 5,
        clean: false,
        properties: { sessionExpiryInterval: 3600 },
        reconnectPeriod: 200,
      });
      client.on('error', () => undefined);
      await new Promise<void>((resolve, reject) => {
        client.once('connect', () => resolve());
        client.once('error', reject);
      });
      this.clients.set(owner, client);
    }
    this.running = true;
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    const inflight = new Set<Promise<void>>();
    const started = Date.now();
    let n = 0;
    while (this.running) {
      const due = Math.floor(((Date.now() - started) / 1000) * this.ratePerSec);
      while (n < due && inflight.size < 500) {
        const truck = this.trucks[n % this.trucks.length];
        const ts = this.base + Math.floor(n / this.trucks.length) * 1000;
        const reading = {
          ts,
          lat: 22.7 + (n % 1000) * 1e-5,
          lon: 114.25,
          speed: 30 + (n % 40),
          heading: n % 360,
        };
        const client = this.clients.get(truck.owner)!;
        const topic = `${this.platform.root}/truck/${truck.owner}/${truck.id}/telemetry`;
        this.sent++;
        const p = client.publishAsync(topic, JSON.stringify(reading), { qos: 1 }).then(
          () => {
            let set = this.acked.get(truck.id);
            if (!set) this.acked.set(truck.id, (set = new Set()));
            set.add(ts);
            this.ackedCount++;
          },
          () => undefined,
        );
        const tracked = p.finally(() => inflight.delete(tracked));
        inflight.add(tracked);
        n++;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(inflight);
  }

  /** Stops publishing and waits for every outstanding PUBACK (the broker resends across its restarts). */
  /**
   * A fault's span under this load: holds while `held` more readings are published (within `heldWithinMs`),
   * heals the fault with `heal`, then waits within `recoverWithinMs` for acknowledgements to flow again
   * (two seconds' worth at the load's rate).
   */
  async holdThenHeal(
    held: number,
    heldWithinMs: number,
    heal: () => Promise<unknown> | undefined,
    recoverWithinMs: number,
  ): Promise<void> {
    const during = this.sent;
    await waitFor('load published during the fault', () => this.sent >= during + held, heldWithinMs);
    await heal();
    const after = this.ackedCount;
    await waitFor(
      'acknowledgements flowing after the fault',
      () => this.ackedCount >= after + this.ratePerSec * 2,
      recoverWithinMs,
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await Promise.all([...this.clients.values()].map((c) => c.endAsync()));
  }

  /** Waits until InfluxDB holds every acknowledged reading; returns what it holds per truck. */
  async stored(timeoutMs = 120_000): Promise<{ stored: number; lost: number; extra: number }> {
    let result = { stored: 0, lost: 0, extra: 0 };
    const check = async () => {
      let stored = 0;
      let lost = 0;
      let extra = 0;
      for (const [truck, acked] of this.acked) {
        const rows = await this.platform.influxQuery(
          `SELECT speed FROM raw_truck.truck WHERE device = '${truck}' AND time >= ${this.base}ms AND time < ${this.base + 86_400_000}ms`,
        );
        const times = new Set(rows.map((r) => Number(r.time)));
        stored += times.size;
        for (const ts of acked) if (!times.has(ts)) lost++;
        for (const ts of times) if (!acked.has(ts)) extra++;
      }
      result = { stored, lost, extra };
      return lost === 0;
    };
    try {
      await waitFor('every acknowledged reading in InfluxDB', check, timeoutMs, 500);
    } catch {
      // Report what is missing rather than only a timeout.
    }
    return result;
  }
}

/** Transitions delivered more than once to one client (same alert, same state). */
export function duplicateDeliveries(alerts: Alert[]): number {
  const seen = new Set<string>();
  let dup = 0;
  for (const a of alerts) {
    const key = `${a.id}|${a.updatedAt}|${a.severity}|${a.active}|${a.acknowledged}|${a.escalation.level}`;
    if (seen.has(key)) dup++;
    seen.add(key);
  }
  return dup;
}

/** Peak resident memory (VmHWM) of a process, MB, or undefined once it is gone. */
function peakRssMb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The highest peak RSS of ingest, the broker and the gateway while a fault runs, whatever process holds
 * the role at the time (a restarted ingest is a new process): sampled twice a second, since a killed
 * process takes its peak with it.
 */
export class PeakMemory {
  readonly peaks = { ingest: 0, broker: 0, gateway: 0 };
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly platform: Platform) {
    this.timer = setInterval(() => this.sample(), 500);
    this.sample();
  }

  sample(): void {
    const pids = {
      ingest: this.platform.apps.get('ingest')?.proc.pid,
      broker: this.platform.services.mosquitto.pid,
      gateway: this.platform.apps.get('gateway')?.proc.pid,
    };
    for (const role of ['ingest', 'broker', 'gateway'] as const) {
      const mb = peakRssMb(pids[role]);
      if (mb !== undefined && mb > this.peaks[role]) this.peaks[role] = mb;
    }
  }

  stop(): FaultRow['peakRssMb'] {
    this.sample();
    clearInterval(this.timer);
    return { ...this.peaks };
  }
}

export interface FaultRow {
  fault: string;
  sent: number;
  acknowledged: number;
  stored: number;
  lost: number;
  duplicateAlerts: number;
  /** Peak RSS over the row, MB. */
  peakRssMb?: { ingest: number; broker: number; gateway: number };
  /** What an abusive client did and saw, for the rows that have one. */
  abuse?: string;
}

export const results: FaultRow[] = [];

/**
 * Writes a suite's rows to `artifacts/<name>.json` and as a Markdown table to `artifacts/<name>.md`, and
 * prints the table: every fault's figures first, then the suite's own columns (`more`), then `notes` (lines
 * under the table, after an empty one).
 */
export function writeFaultTable<R extends FaultRow>(
  name: string,
  rows: readonly R[],
  more: ReadonlyArray<readonly [title: string, cell: (r: R) => string]>,
  notes?: readonly string[],
): void {
  mkdirSync('artifacts', { recursive: true });
  writeFileSync(`artifacts/${name}.json`, JSON.stringify(rows, null, 2));
  const titles = ['fault', 'readings sent', 'acknowledged', 'stored', 'lost', 'duplicate alerts'];
  const table = [
    `| ${[...titles, ...more.map(([title]) => title)].join(' | ')} |`,
    `|${'---|'.repeat(titles.length + more.length)}`,
    ...rows.map((r) => {
      const cells = [r.fault, r.sent, r.acknowledged, r.stored, r.lost, r.duplicateAlerts].map(String);
      return `| ${[...cells, ...more.map(([, cell]) => cell(r))].join(' | ')} |`;
    }),
    ...(notes ? ['', ...notes] : []),
  ].join('\n');
  writeFileSync(`artifacts/${name}.md`, table + '\n');
  console.log(table);
}

/** The figures every fault row reports: what was sent, acknowledged, stored and lost, and alerts seen twice. */
export function runFigures(
  load: NumberedLoad,
  stored: { stored: number; lost: number },
  alerts: Alert[],
): Pick<FaultRow, 'sent' | 'acknowledged' | 'stored' | 'lost' | 'duplicateAlerts'> {
  return {
    sent: load.sent,
    acknowledged: load.ackedCount,
    stored: stored.stored,
    lost: stored.lost,
    duplicateAlerts: duplicateDeliveries(alerts),
  };
}

/**
 * What every fault must leave whole: nothing acknowledged lost or stored twice, every reading acknowledged,
 * no alert delivered twice to a client, and the gas alarm raised during the fault one alert, not two.
 */
export async function expectRunWhole(
  platform: Platform,
  figures: ReturnType<typeof runFigures>,
  extra: number,
): Promise<void> {
  expect(figures).toMatchObject({ lost: 0, duplicateAlerts: 0 });
  expect(extra).toBe(0);
  expect(figures.acknowledged).toBe(figures.sent);
  const gateway = platform.url('gateway');
  const res = await fetch(`${gateway}/api/alerts?kind=gas`, {
    headers: { authorization: `Bearer ${await login(gateway, 'operator', 'operator')}` },
  });
  const g001 = ((await res.json()) as Alert[]).filter((a) => a.device === 'G001' && a.rule === 'gas.lel');
  expect(g001).toHaveLength(1);
}
