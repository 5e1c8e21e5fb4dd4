/**
 * `npm run bench`: starts the whole stack on this machine and measures, in one run,
 *  1. the raw ceiling: MQTT QoS 1 from the load generator to a plain subscriber through the same broker;
 *  2. the platform's highest sustained rate with zero loss (every acknowledged reading stored in InfluxDB
 *     and evaluated by the rules), and its ratio to that ceiling;
 *  3. publish → alert-on-Socket.IO latency at the district's nominal load and at 10,000 readings/s;
 *  4. CPU and peak memory of every process;
 *  5. the quiet cost of a large registry (`quietPhase`): 100,000 devices that have each reported once, so
 *     that each has a deadline in its partition's sorted set, then a window in which none is due;
 *  6. the JT/T 808 gateway (`jt808Phase`): the district's trucks as terminals over TCP, reports acknowledged
 *     per second with zero loss, and the CPU each process spends per report.
 * `--only throughput` runs 1–4, `--only quiet` 5 alone, `--only jt808` 6 alone. `--redis sentinel` runs 1–4 on a Sentinel setup (a
 * master, two replicas, three sentinels) with ingest waiting for a replica (`REDIS_MIN_REPLICAS=1`): run it
 * beside a `--redis single` run (the default) for the cost of that wait. `--profile` also samples the CPU of every app and
 * of the load generator during each step (artifacts/bench/profiles/<process>-at-<rate>.cpuprofile; the
 * sampling costs CPU, so a profiled run's figures are not comparable with an unprofiled one's).
 * Writes artifacts/bench/bench.md, bench.json and latency.svg, and prints the Markdown.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import Redis from 'ioredis';
import mqtt from 'mqtt';
import { io } from 'socket.io-client';
import { booleanOptions, stringOptions } from '@lg/config';
import { names, type Alert, type ClientToServerEvents, type ServerToClientEvents } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { StopWaiting, waitFor } from '@lg/services';
import { Platform } from '@lg/testing';
import { generateRegistry, withSyntheticDevices } from '@lg/simulators/district/generate';
import { runLoad, type LoadSummary } from '@lg/simulators/load/load';
import { Jt808Terminal } from '@lg/simulators/jt808/terminal';
import { RESULT } from '@lg/jt808';
import { startCpuProfile } from './cpu-profile';

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
interface BenchReport extends Partial<ThroughputReport> {
  machine: { cpus: number; model?: string; memoryGb: number; node: string };
  at: string;
  /** What Redis the throughput phase ran on (`--redis`). */
  redis: RedisSetup;
  quiet?: QuietReport;
  jt808?: Jt808Report;
}

/** `--only jt808` (and a full run): the district's trucks as JT/T 808 terminals over TCP. */
interface Jt808Report {
  terminals: number;
  /** Reports each terminal keeps in flight (each waits for its 0x8001). */
  window: number;
  seconds: number;
  /** Reports answered 0x8001 success: durable in the reading log. */
  acked: number;
  /** Reports answered anything else. */
  refused: number;
  achieved: number;
  stored: number;
  evaluated: number;
  storedInMs: number | null;
  zeroLoss: boolean;
  processes: Array<{ name: string; cpuSeconds: number; cpuUsPerReading: number; peakRssMb: number }>;
}

/** `single`: one Redis server; `sentinel`: a master, two replicas and three sentinels, ingest waiting for a replica. */
type RedisSetup = 'single' | 'sentinel';

/** The Redis processes to measure: the one server, or every node and sentinel of the Sentinel setup. */
function redisPids(platform: Platform): Array<{ name: string; pid: number }> {
  const set = platform.services.sentinel;
  if (!set) return [{ name: 'redis', pid: platform.services.redis.pid! }];
  return [
    ...set.nodes.map((n, i) => ({ name: i === 0 ? 'redis master' : `redis replica ${i}`, pid: n.proc.pid! })),
    ...set.sentinels.map((s, i) => ({ name: `redis sentinel ${i + 1}`, pid: s.proc.pid! })),
  ];
}

/** Phases 1–4 (`--only throughput`). */
interface ThroughputReport {
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

/**
 * Phase 5 (`--only quiet`): what a large registry costs while its devices are quiet. Every device reported
 * once (so each has a deadline in its partition's sorted set), then nothing is sent for `windowSeconds`
 * and nothing is due: the worker's only work is its once-a-second `ZRANGEBYSCORE … LIMIT 0 1` per
 * partition (and BullMQ's and the leases' housekeeping).
 */
interface QuietReport {
  /** Registered devices; every one reported once. */
  devices: number;
  /** Identities in the broker's device password file (the owners only: see `quietPhase`). */
  brokerIdentities: number;
  /** Writing the registry, generating the broker's identities and hashing them, starting the services, s. */
  servicesStartSeconds: number;
  /** Each app from start to `/ready`, with the registry loaded, s. */
  appStartSeconds: Record<string, number>;
  reportRate: number;
  /** Load passes it took: a device the generator skipped (it fell behind) reports in the next. */
  reportPasses: number;
  /** Readings acknowledged (a few devices at the end of the cycle may have reported twice). */
  acked: number;
  /** First publish → every device has a deadline in the sorted sets (evaluated), s. */
  allReportedSeconds: number;
  /** First publish → every reading stored in InfluxDB, s. */
  allStoredSeconds: number;
  /** Allowed silence the phase configures (device.offline minSilenceSec, truck.offline silenceSec), s. */
  allowedSilenceSeconds: number;
  windowSeconds: number;
  /** Deadlines in the sorted sets (all partitions) during the window. */
  deadlines: number;
  /** Earliest deadline minus the end of the window, s: positive means nothing was due in the window. */
  earliestDeadlineAfterWindowSeconds: number;
  /** Alert transitions and readings evaluated during the window (both should be 0). */
  windowTransitions: number;
  windowEvaluated: number;
  /**
   * Per process: CPU % of one core over a window before any device reported (no deadline: the control)
   * and over the quiet window; resident memory at the end of each window, and its peak.
   */
  processes: Array<{
    name: string;
    emptyCpuPercent: number;
    cpuPercent: number;
    emptyRssMb: number;
    rssMb: number;
    /** The apps' V8 heap in use (`nodejs_heap_size_used_bytes`) at the end of each window. */
    emptyHeapMb?: number;
    heapMb?: number;
    peakRssMb: number;
  }>;
  /** Redis memory: `MEMORY USAGE` of the keys (exact, SAMPLES 0) and `used_memory`, bytes. */
  redis: {
    deadlinesBytes: number;
    stateBytes: number;
    presenceBytes: number;
    readingsStreamBytes: number;
    usedMemoryBefore: number;
    usedMemoryAfter: number;
  };
}

function procStat(pid: number): { cpu: number; peakKb: number; rssKb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpu = (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks of 10 ms
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpu, peakKb, rssKb };
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

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...booleanOptions('quick', 'profile'),
      ...stringOptions('rates', 'seconds', 'only', 'devices', 'quiet-seconds', 'report-rate'),
      redis: { type: 'string', default: 'single' },
    },
  });
  if (values.redis !== 'single' && values.redis !== 'sentinel')
    throw new Error(`--redis takes "single" or "sentinel", got "${values.redis}"`);
  const redisSetup: RedisSetup = values.redis;
  const stepSeconds = Number(values.seconds ?? (values.quick ? 8 : 20));
  const rates = (values.rates ?? (values.quick ? '5000,10000,20000' : '5000,10000,15000,20000,25000,30000'))
    .split(',')
    .map(Number);
  if (
    values.only !== undefined &&
    values.only !== 'throughput' &&
    values.only !== 'quiet' &&
    values.only !== 'jt808'
  )
    throw new Error(`--only takes "throughput", "quiet" or "jt808", got "${values.only}"`);
  const quiet = {
    devices: Number(values.devices ?? 100_000),
    windowSeconds: Number(values['quiet-seconds'] ?? (values.quick ? 10 : 30)),
    reportRate: Number(values['report-rate'] ?? 5000),
  };
  for (const [k, v] of Object.entries(quiet))
    if (!Number.isInteger(v) || v <= 0) throw new Error(`--${k}: a positive whole number, got ${v}`);
  mkdirSync(OUT, { recursive: true });
  const report: BenchReport = {
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    at: new Date().toISOString(),
    redis: redisSetup,
  };
  if (values.only === undefined || values.only === 'throughput')
    Object.assign(report, await throughputPhase(stepSeconds, rates, values.profile ?? false, redisSetup));
  if (values.only === undefined || values.only === 'quiet') report.quiet = await quietPhase(quiet);
  if (values.only === undefined || values.only === 'jt808') report.jt808 = await jt808Phase(stepSeconds, 8);
  writeFileSync(join(OUT, 'bench.json'), JSON.stringify(report, null, 2));
  const md = markdown(report);
  writeFileSync(join(OUT, 'bench.md'), md);
  process.stdout.write(md);
}

/** Where `--profile` writes one CPU profile per process (the apps and the load generator) per step. */
const PROFILES = join(OUT, 'profiles');

/** Phases 1–4 on the district's registry; writes latency.svg. */
async function throughputPhase(
  stepSeconds: number,
  rates: number[],
  profile: boolean,
  redisSetup: RedisSetup,
): Promise<ThroughputReport> {
  const observer = { username: 'bench-observer', password: `obs-${Date.now()}` };
  const platform = await Platform.start({
    apps: [],
    observers: [observer],
    env: { LOG_LEVEL: 'warn' },
    sentinel: redisSetup === 'sentinel' ? {} : undefined,
  });
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
    if (profile) {
      mkdirSync(PROFILES, { recursive: true });
      writeFileSync(join(PROFILES, 'control'), '');
    }
    for (const app of ['ingest', 'worker', 'gateway'] as const)
      await platform.startApp(app, {
        LOG_LEVEL: 'warn',
        ...(redisSetup === 'sentinel' ? { REDIS_MIN_REPLICAS: '1' } : {}),
        ...(profile
          ? {
              NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.js')}`,
              LG_CPU_PROFILE_DIR: resolve(PROFILES),
              LG_CPU_PROFILE_NAME: app,
            }
          : {}),
      });
    /** With `--profile`: starts sampling every process of ours for the step; the result stops and writes. */
    const profileStep = async (label: string): Promise<() => Promise<void>> => {
      if (!profile) return () => Promise.resolve();
      const control = join(PROFILES, 'control');
      const written = () =>
        [...platform.apps.keys()].map((app) => join(PROFILES, `${app}-${label}.cpuprofile`));
      for (const file of written()) rmSync(file, { force: true });
      writeFileSync(control, label);
      const stopGenerator = await startCpuProfile();
      return async () => {
        writeFileSync(control, '');
        await stopGenerator(join(PROFILES, `load-generator-${label}.cpuprofile`));
        await waitFor(
          'the apps to write their CPU profiles',
          () => written().every((f) => existsSync(f)),
          30_000,
        );
      };
    };
    const worker = platform.url('worker');
    const storedCount = async () => {
      const rows = await platform.influxQuery('SELECT count(rx) FROM raw_truck.truck');
      return Number(rows[0]?.count ?? 0);
    };
    const evaluatedCount = async () =>
      (await metric(worker, 'lg_worker_readings_evaluated_total')) +
      (await metric(worker, 'lg_worker_readings_late_total'));
    const pids = () => [
      { name: 'load generator', pid: process.pid },
      ...[...platform.apps].map(([name, a]) => ({ name, pid: a.proc.pid! })),
      { name: 'mosquitto', pid: platform.services.mosquitto.pid! },
      ...redisPids(platform),
      { name: 'influxd', pid: platform.services.influx.pid! },
    ];
    const steps: Step[] = [];
    let usage: ProcessUsage[] = [];
    for (const target of rates) {
      log(`platform at ${target} readings/s for ${stepSeconds} s`);
      const storedBefore = await storedCount();
      const evaluatedBefore = await evaluatedCount();
      const before = pids().map((p) => ({ ...p, ...procStat(p.pid) }));
      const stopProfiles = await profileStep(`at-${target}`);
      const result = await load(target, stepSeconds);
      await stopProfiles();
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

    writeFileSync(join(OUT, 'latency.svg'), histogram(nominal, heavy));
    return {
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
  } finally {
    await platform.stop();
  }
}

/**
 * Phase 5. The registry is the district's with `devices` synthetic load devices appended (docs/registry.md).
 * The load generator publishes through the owners' identities (one connection per company, pipeline network
 * and slope site, as their platforms and gateways do), so the broker is started with the owners' identities
 * only (`deviceIdentities: 'owners'`): Mosquitto 2.0 parses an ACL file in time quadratic in its users, and
 * 100,000 device users would hold its start for over a minute. Every app loads the whole registry and
 * ingest checks each reading's device, owner and kind against it as always. The reporting intervals of the synthetic
 * devices (trucks 10 s, detectors 30 s, slope sensors 60 s) would make them due 30–180 s after their report
 * (3 intervals), sooner than a report of 100,000 plus a window allows; the phase therefore runs the worker
 * with a rule pack that allows `ALLOWED_SILENCE_S` of silence (device.offline `minSilenceSec`, truck.offline
 * `silenceSec`), and checks that the earliest deadline in Redis lies after the window's end.
 */
const ALLOWED_SILENCE_S = 600;

async function quietPhase(o: {
  devices: number;
  windowSeconds: number;
  reportRate: number;
}): Promise<QuietReport> {
  log(`quiet: generating a registry with ${o.devices} synthetic devices`);
  const files = mkdtempSync(join(tmpdir(), 'lg-bench-quiet-'));
  const registryFile = join(files, 'registry.json');
  const data = withSyntheticDevices(generateRegistry(), o.devices);
  Registry.parse(data);
  writeFileSync(registryFile, JSON.stringify(data));
  const packFile = join(files, 'pack.json');
  writeFileSync(
    packFile,
    JSON.stringify({
      ...(JSON.parse(readFileSync('config/rules/pack.json', 'utf8')) as object),
      'device.offline': { config: { minSilenceSec: ALLOWED_SILENCE_S } },
      'truck.offline': { config: { silenceSec: ALLOWED_SILENCE_S } },
    }),
  );
  log('quiet: starting the services');
  const servicesStarted = Date.now();
  const platform = await Platform.start({
    registryFile,
    apps: [],
    deviceIdentities: 'owners',
    env: { LOG_LEVEL: 'warn' },
  }).catch((err: unknown) => {
    rmSync(files, { recursive: true, force: true });
    throw err;
  });
  const servicesStartSeconds = (Date.now() - servicesStarted) / 1000;
  const redis = new Redis(platform.services.redisUrl, { lazyConnect: true });
  try {
    await redis.connect();
    const n = names(platform.prefix);
    const partitions = Number(platform.baseEnv().RULE_PARTITIONS);
    const registry = platform.registry;
    const devices = registry.allDevices();
    const brokerIdentities = registry.owners().length;
    log(`quiet: services up in ${servicesStartSeconds.toFixed(1)} s (${brokerIdentities} owner identities)`);
    const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1] ?? 0);
    const appStartSeconds: Record<string, number> = {};
    for (const app of ['ingest', 'worker', 'gateway'] as const) {
      const started = Date.now();
      await platform.startApp(app, { LOG_LEVEL: 'warn', RULE_PACK_FILE: packFile });
      appStartSeconds[app] = (Date.now() - started) / 1000;
      log(`quiet: ${app} ready in ${appStartSeconds[app].toFixed(1)} s`);
    }
    const pids = [
      ...[...platform.apps].map(([name, a]) => ({ name, pid: a.proc.pid! })),
      { name: 'mosquitto', pid: platform.services.mosquitto.pid! },
      { name: 'redis', pid: platform.services.redis.pid! },
      { name: 'influxd', pid: platform.services.influx.pid! },
    ];
    // CPU % of one core of each process over a window of `windowSeconds`, and its memory at the end.
    // The apps' V8 heap in use: what they hold, as against what their RSS kept from a busier moment.
    const heapMb = async (name: string) =>
      platform.apps.has(name)
        ? (await metric(platform.url(name), 'lg_nodejs_heap_size_used_bytes')) / 2 ** 20
        : undefined;
    const quietWindow = async () => {
      const before = pids.map((p) => procStat(p.pid));
      const windowStart = performance.now();
      await new Promise((r) => setTimeout(r, o.windowSeconds * 1000));
      const after = pids.map((p) => procStat(p.pid));
      const seconds = (performance.now() - windowStart) / 1000;
      return Promise.all(
        pids.map(async (p, i) => ({
          cpuPercent: ((after[i].cpu - before[i].cpu) / seconds) * 100,
          rssMb: after[i].rssKb / 1024,
          peakRssMb: after[i].peakKb / 1024,
          heapMb: await heapMb(p.name),
        })),
      );
    };
    // The control: the same processes and registry before any device reported (no deadline at all).
    await new Promise((r) => setTimeout(r, 3000));
    log(`quiet: ${o.windowSeconds} s window before any report (no deadline)`);
    const empty = await quietWindow();
    const usedMemoryBefore = await usedMemory();
    const worker = platform.url('worker');
    const ingest = platform.url('ingest');
    const deadlines = async () => {
      const p = redis.pipeline();
      for (let i = 0; i < partitions; i++) p.zcard(n.partitionDeadlines(i));
      return ((await p.exec()) ?? []).reduce((sum, [, c]) => sum + Number(c), 0);
    };

    // Every device once, through its owner's connection (what a company platform or gateway does). When
    // the generator falls behind (an owner's window of unacknowledged messages stays full) it skips what is
    // due; the devices that then have no deadline report in a further pass.
    log(`quiet: ${devices.length} devices report once at ${o.reportRate} readings/s`);
    const started = Date.now();
    const passes: LoadSummary[] = [];
    const evaluated = async () =>
      (await metric(worker, 'lg_worker_readings_evaluated_total')) +
      (await metric(worker, 'lg_worker_readings_late_total'));
    const withDeadline = async () => {
      const p = redis.pipeline();
      for (let i = 0; i < partitions; i++) p.zrange(n.partitionDeadlines(i), 0, -1);
      return new Set(((await p.exec()) ?? []).flatMap(([, ids]) => ids as string[]));
    };
    const reportAll = async (): Promise<void> => {
      let missing = devices;
      while (missing.length > 0) {
        if (passes.length >= 5) throw new Error(`${missing.length} devices not reported after 5 passes`);
        const { summary } = await runLoad({
          url: platform.services.mqttUrl,
          root: platform.root,
          devices: missing,
          rate: o.reportRate,
          durationMs: Math.ceil((missing.length * 1000) / o.reportRate),
          passwordOf: (u) => u,
          window: 128,
        });
        passes.push(summary);
        const ackedSoFar = passes.reduce((sum, p) => sum + p.acked, 0);
        await waitFor(
          'the acknowledged readings to be evaluated',
          async () => (await evaluated()) >= ackedSoFar,
          120_000,
          200,
        );
        const reported = await withDeadline();
        missing = missing.filter((d) => !reported.has(d.id));
        if (missing.length > 0)
          log(
            `quiet: pass ${passes.length}: ${summary.acked} acknowledged, ${summary.behind} skipped (generator behind); ${missing.length} devices again`,
          );
      }
    };
    let allReportedSeconds = NaN;
    let allStoredSeconds = NaN;
    let acked = Infinity;
    let load: LoadSummary | undefined;
    const loading = reportAll().then(() => {
      load = passes[passes.length - 1];
      acked = passes.reduce((sum, p) => sum + p.acked, 0);
    });
    let failed: unknown;
    loading.catch((err: unknown) => (failed = err));
    let progressAt = Date.now() + 5000;
    const progress = async () =>
      `${await deadlines()} deadlines, ${await metric(ingest, 'lg_ingest_readings_total')} taken in, ` +
      `${await metric(ingest, 'lg_ingest_rejected_total')} rejected, ` +
      `${await metric(ingest, 'lg_ingest_points_stored_total')} stored, ` +
      `${await metric(worker, 'lg_worker_readings_evaluated_total')} evaluated` +
      `, ${passes.reduce((sum, p) => sum + p.acked, 0)} acknowledged in ${passes.length} passes`;
    await waitFor(
      'every device to have a deadline and every reading to be stored',
      async () => {
        if (Number.isNaN(allReportedSeconds) && (await deadlines()) >= devices.length)
          allReportedSeconds = (Date.now() - started) / 1000;
        if (
          Number.isNaN(allStoredSeconds) &&
          (await metric(ingest, 'lg_ingest_points_stored_total')) >= acked
        )
          allStoredSeconds = (Date.now() - started) / 1000;
        if (failed !== undefined)
          throw new StopWaiting(failed instanceof Error ? failed.message : JSON.stringify(failed));
        if (Date.now() >= progressAt) {
          log(`quiet: ${await progress()}`);
          progressAt = Date.now() + 5000;
        }
        return !Number.isNaN(allReportedSeconds) && !Number.isNaN(allStoredSeconds) && load !== undefined;
      },
      180_000,
      100,
    ).catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}: ${await progress()}`);
    });
    await loading;
    const notAcked = passes.reduce((sum, p) => sum + p.failed + p.refused + p.unacknowledged, 0);
    log(
      `quiet: ${acked} acknowledged in ${passes.length} passes (${notAcked} not); every device has a deadline ` +
        `after ${allReportedSeconds.toFixed(1)} s, stored after ${allStoredSeconds.toFixed(1)} s`,
    );
    // Everything after the last reading (stored, evaluated, the routing consumer acknowledged) settles.
    await new Promise((r) => setTimeout(r, 5000));

    log(`quiet: ${o.windowSeconds} s quiet window with ${await deadlines()} deadlines`);
    const transitionsBefore = await metric(worker, 'lg_worker_alert_transitions_total');
    const evaluatedBefore = await metric(worker, 'lg_worker_readings_evaluated_total');
    const quiet = await quietWindow();
    const windowEnd = Date.now();
    const windowTransitions = (await metric(worker, 'lg_worker_alert_transitions_total')) - transitionsBefore;
    const windowEvaluated = (await metric(worker, 'lg_worker_readings_evaluated_total')) - evaluatedBefore;
    const processes = pids.map((p, i) => ({
      name: p.name,
      emptyCpuPercent: empty[i].cpuPercent,
      cpuPercent: quiet[i].cpuPercent,
      emptyRssMb: empty[i].rssMb,
      rssMb: quiet[i].rssMb,
      emptyHeapMb: empty[i].heapMb,
      heapMb: quiet[i].heapMb,
      peakRssMb: quiet[i].peakRssMb,
    }));
    log(
      `quiet: CPU % of one core: ${processes.map((p) => `${p.name} ${p.cpuPercent.toFixed(2)}`).join(', ')}`,
    );

    const earliest = Math.min(
      ...(await Promise.all(
        Array.from({ length: partitions }, async (_, i) => {
          const first = await redis.zrange(n.partitionDeadlines(i), 0, 0, 'WITHSCORES');
          return first.length === 2 ? Number(first[1]) : Infinity;
        }),
      )),
    );
    const bytes = async (key: string) => Number((await redis.memory('USAGE', key, 'SAMPLES', 0)) ?? 0);
    let deadlinesBytes = 0;
    let stateBytes = 0;
    for (let i = 0; i < partitions; i++) {
      deadlinesBytes += await bytes(n.partitionDeadlines(i));
      stateBytes += await bytes(n.partitionState(i));
    }
    const result: QuietReport = {
      devices: devices.length,
      brokerIdentities,
      servicesStartSeconds,
      appStartSeconds,
      reportRate: o.reportRate,
      reportPasses: passes.length,
      acked,
      allReportedSeconds,
      allStoredSeconds,
      allowedSilenceSeconds: ALLOWED_SILENCE_S,
      windowSeconds: o.windowSeconds,
      deadlines: await deadlines(),
      earliestDeadlineAfterWindowSeconds: (earliest - windowEnd) / 1000,
      windowTransitions,
      windowEvaluated,
      processes,
      redis: {
        deadlinesBytes,
        stateBytes,
        presenceBytes: await bytes(n.presence),
        readingsStreamBytes: await bytes(n.readings),
        usedMemoryBefore,
        usedMemoryAfter: await usedMemory(),
      },
    };
    if (result.earliestDeadlineAfterWindowSeconds <= 0)
      log('quiet: WARNING a deadline fell inside the window: the window was not quiet');
    return result;
  } finally {
    redis.disconnect();
    await platform.stop();
    rmSync(files, { recursive: true, force: true });
  }
}

function markdown(r: BenchReport): string {
  return [
    `## Benchmark (${r.at}, ${r.machine.cpus} cores, ${r.machine.memoryGb} GiB, Node ${r.machine.node}, every service on this machine${r.redis === 'sentinel' ? '; Redis: master, two replicas, three sentinels, REDIS_MIN_REPLICAS=1' : ''})`,
    '',
    ...(r.rawCeiling !== undefined ? throughputMarkdown(r as ThroughputReport) : []),
    ...(r.quiet ? quietMarkdown(r.quiet) : []),
    ...(r.jt808 ? jt808Markdown(r.jt808) : []),
  ].join('\n');
}

function throughputMarkdown(r: ThroughputReport): string[] {
  const f = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(1));
  const ms = (n: number | null) => (n === null ? '> 60 s' : `${n} ms`);
  return [
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
  ];
}

function quietMarkdown(q: QuietReport): string[] {
  const mb = (bytes: number) =>
    bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const perDevice = (bytes: number) => Math.round(bytes / q.devices);
  return [
    `| ${q.devices} registered devices, each reported once, then ${q.windowSeconds.toFixed(0)} s quiet | value |`,
    '|---|---|',
    `| services start (broker: ${q.brokerIdentities} owner identities) · apps to ready | ${q.servicesStartSeconds.toFixed(1)} s · ${Object.entries(
      q.appStartSeconds,
    )
      .map(([app, s]) => `${app} ${s.toFixed(1)} s`)
      .join(', ')} |`,
    `| every device reported once at ${q.reportRate}/s: evaluated (deadline set) · stored | ${q.allReportedSeconds.toFixed(1)} s · ${q.allStoredSeconds.toFixed(1)} s (${q.acked} acknowledged, ${q.reportPasses} ${q.reportPasses === 1 ? 'pass' : 'passes'}) |`,
    `| deadlines in the sorted sets · earliest due after the window | ${q.deadlines} · ${q.earliestDeadlineAfterWindowSeconds.toFixed(0)} s (allowed silence ${q.allowedSilenceSeconds} s) |`,
    `| evaluated · alert transitions in the window | ${q.windowEvaluated} · ${q.windowTransitions} |`,
    `| Redis: deadlines · rule state · presence (bytes per device) | ${mb(q.redis.deadlinesBytes)} (${perDevice(q.redis.deadlinesBytes)}) · ${mb(q.redis.stateBytes)} (${perDevice(q.redis.stateBytes)}) · ${mb(q.redis.presenceBytes)} (${perDevice(q.redis.presenceBytes)}) |`,
    `| Redis: reading log stream · used_memory before → after the reports | ${mb(q.redis.readingsStreamBytes)} · ${mb(q.redis.usedMemoryBefore)} → ${mb(q.redis.usedMemoryAfter)} |`,
    '',
    `| process | CPU % of one core, no deadline → ${q.deadlines} deadlines | RSS MB, before → after the reports | peak RSS MB | V8 heap used MB, before → after |`,
    '|---|---|---|---|---|',
    ...q.processes.map(
      (p) =>
        `| ${p.name} | ${p.emptyCpuPercent.toFixed(2)} → ${p.cpuPercent.toFixed(2)} | ${p.emptyRssMb.toFixed(0)} → ${p.rssMb.toFixed(0)} | ${p.peakRssMb.toFixed(0)} | ${p.heapMb === undefined ? '–' : `${p.emptyHeapMb?.toFixed(0)} → ${p.heapMb.toFixed(0)}`} |`,
    ),
    '',
  ];
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

/**
 * The district's trucks as JT/T 808 terminals: each registers, authenticates, then reports as fast as its
 * 0x8001 answers come back, `window` reports in flight, for `seconds`. Every report has its own second of
 * event time (JT/T 808 times are whole seconds), hours in the past, so none is a retransmission. Then: every
 * report answered success is in InfluxDB and evaluated (zero loss), and the CPU each process spent on it.
 */
async function jt808Phase(seconds: number, window: number): Promise<Jt808Report> {
  const platform = await Platform.start({
    apps: ['ingest', 'worker', 'gateway', 'jt808'],
    env: { LOG_LEVEL: 'warn' },
  });
  const terminals: Jt808Terminal[] = [];
  try {
    const trucks = platform.registry.allDevices().filter((d) => d.kind === 'truck' && d.terminal);
    log(`JT/T 808: ${trucks.length} terminals register and authenticate`);
    for (const d of trucks) {
      const t = await Jt808Terminal.connect('127.0.0.1', platform.jt808Port(), {
        terminal: d.terminal!,
        plate: d.plate!,
        plateColor: d.plateColor!,
      });
      terminals.push(t);
      await t.logIn();
    }
    const worker = platform.url('worker');
    const evaluatedCount = async () =>
      (await metric(worker, 'lg_worker_readings_evaluated_total')) +
      (await metric(worker, 'lg_worker_readings_late_total'));
    const base = Math.floor((Date.now() - 12 * 3_600_000) / 1000) * 1000;
    const storedCount = async () => {
      const rows = await platform.influxQuery(
        `SELECT count(rx) FROM raw_truck.truck WHERE time >= ${base}ms`,
      );
      return Number(rows[0]?.count ?? 0);
    };
    const pids = [...platform.apps].map(([name, a]) => ({ name, pid: a.proc.pid! }));
    pids.push(
      { name: 'mosquitto', pid: platform.services.mosquitto.pid! },
      { name: 'redis', pid: platform.services.redis.pid! },
      { name: 'influxd', pid: platform.services.influx.pid! },
    );
    const evaluatedBefore = await evaluatedCount();
    const before = pids.map((p) => procStat(p.pid).cpu);
    log(`JT/T 808: ${trucks.length} terminals × ${window} reports in flight for ${seconds} s`);
    let acked = 0;
    let refused = 0;
    const started = Date.now();
    const until = started + seconds * 1000;
    await Promise.all(
      terminals.map(async (t, i) => {
        let next = 0;
        const lane = async () => {
          while (Date.now() < until) {
            const n = next++;
            const result = await t.report({
              ts: base + n * 1000,
              lat: 22.6 + (i % 40) * 0.005,
              lon: 114.1 + (n % 100) * 0.0005,
              speed: 40,
              heading: 90,
            });
            if (result === RESULT.success) acked++;
            else refused++;
          }
        };
        await Promise.all(Array.from({ length: window }, lane));
      }),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const sent = Date.now();
    let storedInMs: number | null = null;
    await waitFor('every acknowledged report in InfluxDB', async () => (await storedCount()) >= acked, 60_000)
      .then(() => (storedInMs = Date.now() - sent))
      .catch((err) => {
        if (!(err instanceof StopWaiting)) throw err;
      });
    await waitFor(
      'every acknowledged report evaluated',
      async () => (await evaluatedCount()) - evaluatedBefore >= acked,
      60_000,
    ).catch((err) => {
      if (!(err instanceof StopWaiting)) throw err;
    });
    const after = pids.map((p) => procStat(p.pid));
    const stored = await storedCount();
    const evaluated = (await evaluatedCount()) - evaluatedBefore;
    const report: Jt808Report = {
      terminals: trucks.length,
      window,
      seconds: Math.round(elapsedS),
      acked,
      refused,
      achieved: Math.round(acked / elapsedS),
      stored,
      evaluated,
      storedInMs,
      zeroLoss: stored === acked && evaluated >= acked,
      processes: pids.map((p, i) => ({
        name: p.name,
        cpuSeconds: after[i].cpu - before[i],
        cpuUsPerReading: acked > 0 ? ((after[i].cpu - before[i]) * 1e6) / acked : NaN,
        peakRssMb: after[i].peakKb / 1024,
      })),
    };
    log(
      `JT/T 808: ${acked} reports acknowledged (${report.achieved}/s), ${stored} stored, ${evaluated} evaluated`,
    );
    return report;
  } finally {
    await Promise.all(terminals.map((t) => t.close().catch(() => undefined)));
    await platform.stop();
  }
}

function jt808Markdown(j: Jt808Report): string[] {
  return [
    `| JT/T 808: ${j.terminals} terminals over TCP, ${j.window} reports in flight each, ${j.seconds} s | value |`,
    '|---|---|',
    `| reports acknowledged (0x8001 success) · refused | ${j.acked} · ${j.refused} |`,
    `| acknowledged per second | ${j.achieved} |`,
    `| stored in InfluxDB · evaluated by the rules | ${j.stored} · ${j.evaluated} |`,
    `| all stored after the last report | ${j.storedInMs === null ? '> 60 s' : `${j.storedInMs} ms`} |`,
    `| zero loss | ${j.zeroLoss ? 'yes' : 'no'} |`,
    '',
    '| process | CPU s | CPU µs per report | peak RSS MB |',
    '|---|---|---|---|',
    ...j.processes.map(
      (p) =>
        `| ${p.name} | ${p.cpuSeconds.toFixed(1)} | ${p.cpuUsPerReading.toFixed(0)} | ${p.peakRssMb.toFixed(0)} |`,
    ),
    '',
  ];
}
