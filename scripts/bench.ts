/**
 * `npm run bench`: starts the whole stack on this machine and measures, in one run,
 *  1. the raw ceiling: MQTT QoS 1 from the load generator to a plain subscriber through the same broker;
 *  2. the platform's highest sustained rate with zero loss (every acknowledged reading stored in InfluxDB
 *     and evaluated by the rules), and its ratio to that ceiling;
 *  3. publish → alert-on-Socket.IO latency at the district's nominal load and at 10,000 readings/s;
 *  4. CPU and peak memory of every process.
 * Writes artifacts/bench/bench.md, bench.json and latency.svg, and prints the Markdown.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import type { Alert, ClientToServerEvents, ServerToClientEvents } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { Platform } from '@lg/testing';
import { runLoad, type LoadSummary } from '@lg/simulators/load/load';

const OUT = 'artifacts/bench';

interface Step {
  target: number;
  summary: LoadSummary;
  stored: number;
  evaluated: number;
  drainedInMs: number | null;
  storedInMs: number | null;
  evaluatedInMs: number | null;
  /** CPU time of every process (load generator included) per acknowledged reading, µs. */
  cpuUsPerReading: number;
  zeroLoss: boolean;
}

/** What bench.json holds and bench.md shows: a step without the generator's full summary. */
interface BenchReport {
  machine: { cpus: number; model?: string; memoryGb: number; node: string };
  at: string;
  rawCeiling: number;
  sustained: number;
  ratio: number;
  steps: Array<Omit<Step, 'summary'> & { acked: number; achieved: number }>;
  latency: Record<string, { rate: number; p50: number; p95: number; p99: number; max: number; n: number }>;
  processes: ProcessUsage[];
}

interface ProcessUsage {
  name: string;
  cpuSeconds: number;
  cpuPercent: number;
  /** CPU time per acknowledged reading, µs: what bounds the rate on a machine of this many cores. */
  cpuUsPerReading: number;
  peakRssMb: number;
}

function procStat(pid: number): { cpu: number; peakKb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks of 10 ms
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpu, peakKb };
}

function percentiles(values: number[]): { p50: number; p95: number; p99: number; max: number; n: number } {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s[s.length - 1] ?? NaN, n: s.length };
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && (line[name.length] === ' ' || line[name.length] === '{'))
      sum += Number(line.split(' ').pop());
  }
  return sum;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rates: { type: 'string' },
      seconds: { type: 'string' },
    },
  });
  const stepSeconds = Number(values.seconds ?? (values.quick ? 8 : 20));
  const rates = (values.rates ?? (values.quick ? '5000,10000,20000' : '5000,10000,15000,20000,25000,30000'))
    .split(',')
    .map(Number);
  mkdirSync(OUT, { recursive: true });
  const observer = { username: 'bench-observer', password: `obs-${Date.now()}` };
  const platform = await Platform.start({ apps: [], observers: [observer], env: { LOG_LEVEL: 'warn' } });
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
  try {
    const trucks = platform.registry.allDevices().filter((d) => d.kind === 'truck');
    const detectors = platform.registry.allDevices().filter((d) => d.kind === 'gas');
    const load = (rate: number, seconds: number) =>
      runLoad({
        url: platform.services.mqttUrl,
        root: platform.root,
        devices: trucks,
        rate,
        durationMs: seconds * 1000,
        passwordOf: (u) => u,
        // One connection per company (the broker takes the username as the client ID: a second one would
        // replace the first).
        window: 128,
      });

    // 1. The raw ceiling: a plain subscriber that only counts, no platform.
    log('raw ceiling: publisher → Mosquitto → counting subscriber');
    const sub = mqtt.connect(platform.services.internalMqttUrl, {
      ...observer,
      protocolVersion: 5,
      clientId: 'bench-observer',
    });
    await new Promise<void>((resolve) => sub.once('connect', () => resolve()));
    await sub.subscribeAsync(`${platform.root}/+/+/+/telemetry`, { qos: 1 });
    let received = 0;
    sub.on('message', () => received++);
    const raw = await load(60_000, stepSeconds);
    await waitFor(
      'the subscriber to receive every acknowledged message',
      () => received >= raw.summary.acked,
      30_000,
    ).catch(() => undefined);
    await sub.endAsync();
    const rawCeiling = Math.min(raw.summary.achievedRate, received / (raw.summary.durationMs / 1000));
    log(`raw ceiling ≈ ${Math.round(rawCeiling)} readings/s`);

    // 2. The platform.
    for (const app of ['ingest', 'worker', 'gateway'] as const)
      await platform.startApp(app, { LOG_LEVEL: 'warn' });
    const worker = platform.url('worker');
    const storedCount = async () => {
      const rows = await platform.influxQuery('SELECT count(rx) FROM truck');
      return Number(rows[0]?.count ?? 0);
    };
    const evaluatedCount = async () =>
      (await metric(worker, 'lg_worker_readings_evaluated_total')) +
      (await metric(worker, 'lg_worker_readings_late_total'));
    const pids = () => [
      { name: 'load generator', pid: process.pid },
      ...[...platform.apps].map(([name, a]) => ({ name, pid: a.proc.pid! })),
      { name: 'mosquitto', pid: platform.services.mosquitto.pid! },
      { name: 'redis', pid: platform.services.redis.pid! },
      { name: 'influxd', pid: platform.services.influx.pid! },
    ];
    const steps: Step[] = [];
    let usage: ProcessUsage[] = [];
    for (const target of rates) {
      log(`platform at ${target} readings/s for ${stepSeconds} s`);
      const storedBefore = await storedCount();
      const evaluatedBefore = await evaluatedCount();
      const before = pids().map((p) => ({ ...p, ...procStat(p.pid) }));
      const result = await load(target, stepSeconds);
      const sentAt = Date.now();
      // When the store (InfluxDB) and the rules each caught up with what was acknowledged: which one lags
      // is what the next round of profiling looks at.
      let storedInMs: number | null = null;
      let evaluatedInMs: number | null = null;
      try {
        await waitFor(
          'stored and evaluated to catch up',
          async () => {
            if (storedInMs === null && (await storedCount()) - storedBefore >= result.summary.acked)
              storedInMs = Date.now() - sentAt;
            if (evaluatedInMs === null && (await evaluatedCount()) - evaluatedBefore >= result.summary.acked)
              evaluatedInMs = Date.now() - sentAt;
            return storedInMs !== null && evaluatedInMs !== null;
          },
          60_000,
          250,
        );
      } catch {
        // Reported as "> 60 s" below.
      }
      const drainedInMs =
        storedInMs !== null && evaluatedInMs !== null ? Math.max(storedInMs, evaluatedInMs) : null;
      const elapsed = (Date.now() - sentAt + result.summary.durationMs) / 1000;
      const after = pids().map((p) => ({ ...p, ...procStat(p.pid) }));
      const stored = (await storedCount()) - storedBefore;
      const evaluated = (await evaluatedCount()) - evaluatedBefore;
      const kept = result.summary.behind === 0 && result.summary.achievedRate >= target * 0.95;
      const step: Step = {
        target,
        summary: result.summary,
        stored,
        evaluated,
        drainedInMs,
        storedInMs,
        evaluatedInMs,
        cpuUsPerReading: 0,
        zeroLoss:
          stored === result.summary.acked && evaluated >= result.summary.acked && result.summary.failed === 0,
      };
      steps.push(step);
      log(
        `  acked ${result.summary.acked} at ${Math.round(result.summary.achievedRate)}/s, stored ${stored}, evaluated ${evaluated}, drained in ${drainedInMs ?? '>60000'} ms (stored ${storedInMs ?? '>60000'}, evaluated ${evaluatedInMs ?? '>60000'})${kept ? '' : ' (generator behind)'}`,
      );
      const stepUsage = after.map((a, i) => ({
        name: a.name,
        cpuSeconds: a.cpu - before[i].cpu,
        cpuPercent: ((a.cpu - before[i].cpu) / elapsed) * 100,
        cpuUsPerReading: ((a.cpu - before[i].cpu) * 1e6) / Math.max(1, result.summary.acked),
        peakRssMb: a.peakKb / 1024,
      }));
      step.cpuUsPerReading = stepUsage.reduce((sum, u) => sum + u.cpuUsPerReading, 0);
      log(
        `  CPU per reading: ${stepUsage.map((u) => `${u.name} ${u.cpuUsPerReading.toFixed(0)} µs`).join(', ')}; ` +
          `all ${step.cpuUsPerReading.toFixed(0)} µs → at most ${Math.round((cpus().length * 1e6) / step.cpuUsPerReading)} readings/s on ${cpus().length} cores`,
      );
      // The clean step's figures, or the first step's when none is clean.
      if ((kept && step.zeroLoss && drainedInMs !== null && drainedInMs < 5000) || usage.length === 0)
        usage = stepUsage;
    }
    const sustained = steps
      .filter((s) => s.zeroLoss && s.drainedInMs !== null && s.drainedInMs < 5000 && s.summary.behind === 0)
      .reduce((best, s) => Math.max(best, s.summary.achievedRate), 0);

    // 3. Latency: each probe opens (or raises) a gas alert on its own detector while the load runs.
    const gateway = platform.url('gateway');
    const token = (
      (await (
        await fetch(`${gateway}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'operator', password: 'operator' }),
        })
      ).json()) as { token: string }
    ).token;
    const live = io(`${gateway}/live`, {
      auth: { token },
      transports: ['websocket'],
    }) as import('socket.io-client').Socket<ServerToClientEvents, ClientToServerEvents>;
    const waiting = new Map<string, { sent: number; resolve: (ms: number) => void }>();
    live.on('alert', (a: Alert) => {
      const key = `${a.device}|${a.severity}`;
      const w = waiting.get(key);
      if (w && a.rule === 'gas.lel') {
        waiting.delete(key);
        w.resolve(Date.now() - w.sent);
      }
    });
    await new Promise<void>((resolve) => live.once('connect', () => resolve()));
    const prober = mqtt.connect(platform.services.mqttUrl, {
      username: detectors[0].owner,
      password: detectors[0].owner,
      protocolVersion: 5,
    });
    await new Promise<void>((resolve) => prober.once('connect', () => resolve()));
    const probe = async (severity: 'orange' | 'red', lel: number, count: number): Promise<number[]> => {
      const out: number[] = [];
      for (const d of detectors.filter((x) => x.owner === detectors[0].owner).slice(0, count)) {
        const sent = Date.now();
        const got = new Promise<number>((resolve) => waiting.set(`${d.id}|${severity}`, { sent, resolve }));
        await prober.publishAsync(
          `${platform.root}/gas/${d.owner}/${d.id}/telemetry`,
          JSON.stringify({ ts: sent, lel }),
          { qos: 1 },
        );
        out.push(await Promise.race([got, new Promise<number>((r) => setTimeout(() => r(NaN), 5000))]));
        await new Promise((r) => setTimeout(r, 100));
      }
      return out.filter((v) => !Number.isNaN(v));
    };
    const nominalRate =
      trucks.length +
      Math.round(platform.registry.allDevices().filter((d) => d.kind !== 'truck').length / 30);
    log(`latency at nominal load (${nominalRate} readings/s)`);
    const nominalLoad = load(nominalRate, 30);
    const nominal = await probe('orange', 30, 100);
    await nominalLoad;
    log('latency at 10,000 readings/s');
    const heavyLoad = load(10_000, 30);
    const heavy = await probe('red', 60, 100);
    await heavyLoad;
    live.close();
    await prober.endAsync();

    const report: BenchReport = {
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      at: new Date().toISOString(),
      rawCeiling: Math.round(rawCeiling),
      sustained: Math.round(sustained),
      ratio: rawCeiling > 0 ? sustained / rawCeiling : 0,
      steps: steps.map(({ summary, ...s }) => ({
        ...s,
        acked: summary.acked,
        achieved: Math.round(summary.achievedRate),
        cpuUsPerReading: Math.round(s.cpuUsPerReading),
      })),
      latency: {
        nominal: { rate: nominalRate, ...percentiles(nominal) },
        at10k: { rate: 10_000, ...percentiles(heavy) },
      },
      processes: usage,
    };
    writeFileSync(join(OUT, 'bench.json'), JSON.stringify(report, null, 2));
    writeFileSync(join(OUT, 'latency.svg'), histogram(nominal, heavy));
    const md = markdown(report);
    writeFileSync(join(OUT, 'bench.md'), md);
    process.stdout.write(md);
  } finally {
    await platform.stop();
  }
}

function markdown(r: BenchReport): string {
  const f = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(1));
  const ms = (n: number | null) => (n === null ? '> 60 s' : `${n} ms`);
  return [
    `## Benchmark (${r.at}, ${r.machine.cpus} cores, ${r.machine.memoryGb} GiB, Node ${r.machine.node}, every service on this machine)`,
    '',
    '| measure | value |',
    '|---|---|',
    `| raw ceiling: MQTT QoS 1 publisher → Mosquitto → counting subscriber | ${r.rawCeiling} readings/s |`,
    `| platform, highest sustained rate with zero loss | ${r.sustained} readings/s |`,
    `| ratio to the raw ceiling | ${r.ratio.toFixed(2)} |`,
    ...Object.entries(r.latency).map(
      ([k, l]) =>
        `| publish → alert on Socket.IO at ${l.rate} readings/s (${k}), ms | p50 ${f(l.p50)} · p95 ${f(l.p95)} · p99 ${f(l.p99)} · max ${f(l.max)} (n=${l.n}) |`,
    ),
    '',
    '| target readings/s | acknowledged | achieved/s | stored | evaluated | caught up after (stored · evaluated) | CPU µs per reading, all processes | zero loss |',
    '|---|---|---|---|---|---|---|---|',
    ...r.steps.map(
      (s) =>
        `| ${s.target} | ${s.acked} | ${s.achieved} | ${s.stored} | ${s.evaluated} | ${ms(s.drainedInMs)} (${ms(s.storedInMs)} · ${ms(s.evaluatedInMs)}) | ${s.cpuUsPerReading} | ${s.zeroLoss ? 'yes' : 'no'} |`,
    ),
    '',
    '| process (at the highest clean step) | CPU s | CPU % of one core | CPU µs per reading | peak RSS MB |',
    '|---|---|---|---|---|',
    ...r.processes.map(
      (p) =>
        `| ${p.name} | ${p.cpuSeconds.toFixed(1)} | ${p.cpuPercent.toFixed(0)} | ${p.cpuUsPerReading.toFixed(0)} | ${p.peakRssMb.toFixed(0)} |`,
    ),
    '',
  ].join('\n');
}

/** A latency histogram as SVG: two series, 5 ms buckets up to 100 ms. */
function histogram(a: number[], b: number[]): string {
  const buckets = 20;
  const width = 5;
  const count = (vs: number[]) => {
    const out = new Array<number>(buckets).fill(0);
    for (const v of vs) out[Math.min(buckets - 1, Math.floor(v / width))]++;
    return out;
  };
  const ca = count(a);
  const cb = count(b);
  const max = Math.max(1, ...ca, ...cb);
  const bars = (c: number[], dx: number, color: string) =>
    c
      .map(
        (n, i) =>
          `<rect x="${40 + i * 30 + dx}" y="${220 - (n / max) * 200}" width="12" height="${(n / max) * 200}" fill="${color}"/>`,
      )
      .join('');
  const labels = Array.from(
    { length: buckets },
    (_, i) => `<text x="${40 + i * 30}" y="236" font-size="9">${i * width}</text>`,
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="660" height="260"><text x="40" y="14" font-size="12">publish → alert latency (ms): blue nominal load, orange 10k/s; last bucket ≥ 95 ms</text>${bars(ca, 0, '#3b82f6')}${bars(cb, 13, '#f97316')}${labels}</svg>\n`;
}

main().catch((err: unknown) => {
  process.stderr.write(
    `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
