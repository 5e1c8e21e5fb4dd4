/**
 * `npm start`: the whole platform on one machine, in demo mode. Starts Mosquitto, Redis and InfluxDB on
 * loopback with their data under `.run/services` (kept between runs), then the ingest, worker and gateway
 * apps and the device simulator as child processes with their logs under `.run/logs`, and stops them all in
 * reverse order on Ctrl-C. `scripts/run.js start` runs this in its own process group and forwards signals,
 * so that a Ctrl-C reaches only this process and the shutdown keeps its order.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import {
  booleanOptions,
  ConfigError,
  env,
  loadConfig,
  mqttSchema,
  parseScriptArgs,
  stringOptions,
} from '@lg/config';
import { exitText, SIMULATOR_CONTROL_USERS } from '@lg/contracts';
import { Registry } from '@lg/registry';
import {
  APP_NODE_FLAGS,
  DEMO_NOTIFY_CREDENTIALS,
  demoNotifyEnv,
  freePort,
  ManagedProcess,
  NotifyReceivers,
  Services,
  Supervisor,
  waitFor,
} from '@lg/services';

/** The project root: this file runs as dist/scripts/stack.js. */
const ROOT = resolve(__dirname, '..', '..');

const USAGE = `Usage: npm start [-- --no-sim] [-- --speedup N]
Starts Mosquitto, Redis, InfluxDB, the ingest, worker, gateway and JT/T 808 gateway apps and the demo
device fleet. Ports from MQTT_PORT (devices), MQTT_INTERNAL_PORT (ingest, observers), REDIS_PORT,
INFLUX_PORT, INFLUX_RPC_PORT, GATEWAY_PORT, INGEST_PORT, WORKER_PORT, JT808_PORT (terminals),
JT808_HTTP_PORT (defaults 1883, 1884, 6379, 8086, 8088, 3000, 3001, 3002, 6808, 3003; a taken default is
replaced by a free port).
Data under .run/services (kept between runs), logs under .run/logs. Ctrl-C stops everything.`;

const port = z.coerce.number().int().min(1).max(65535).optional();

/**
 * Settings of `npm start`. A port given here is used as it is (and start-up fails if it is taken); a default
 * port that is taken is replaced by a free one, since something else on the machine owns it.
 */
const stackSchema = z.object({
  MQTT_PORT: port,
  MQTT_INTERNAL_PORT: port,
  REDIS_PORT: port,
  INFLUX_PORT: port,
  INFLUX_RPC_PORT: port,
  GATEWAY_PORT: port,
  INGEST_PORT: port,
  WORKER_PORT: port,
  JT808_PORT: port,
  JT808_HTTP_PORT: port,
  REGISTRY_FILE: z.string().min(1).default('config/registry/longgang.json'),
  MQTT_TOPIC_ROOT: mqttSchema.shape.MQTT_TOPIC_ROOT,
  /** Seconds each app may take to answer `GET /ready` with 200. */
  READY_TIMEOUT_SEC: env.int(90, 1, 3600),
});

type PortName =
  | 'mqtt'
  | 'mqttInternal'
  | 'redis'
  | 'influx'
  | 'influxRpc'
  | 'gateway'
  | 'ingest'
  | 'worker'
  | 'jt808'
  | 'jt808Http';

const PORTS: Record<
  PortName,
  { variable: keyof z.infer<typeof stackSchema>; default: number; what: string }
> = {
  mqtt: { variable: 'MQTT_PORT', default: 1883, what: 'MQTT' },
  mqttInternal: { variable: 'MQTT_INTERNAL_PORT', default: 1884, what: 'MQTT internal listener' },
  redis: { variable: 'REDIS_PORT', default: 6379, what: 'Redis' },
  influx: { variable: 'INFLUX_PORT', default: 8086, what: 'InfluxDB HTTP' },
  influxRpc: { variable: 'INFLUX_RPC_PORT', default: 8088, what: 'InfluxDB RPC' },
  gateway: { variable: 'GATEWAY_PORT', default: 3000, what: 'gateway HTTP' },
  ingest: { variable: 'INGEST_PORT', default: 3001, what: 'ingest HTTP' },
  worker: { variable: 'WORKER_PORT', default: 3002, what: 'worker HTTP' },
  jt808: { variable: 'JT808_PORT', default: 6808, what: 'JT/T 808 terminals' },
  jt808Http: { variable: 'JT808_HTTP_PORT', default: 3003, what: 'JT/T 808 gateway HTTP' },
};

const DEMO_OBSERVER = { username: 'lg-observer', password: 'lg-observer' };

function say(line = ''): void {
  console.log(line);
}

function warn(line: string): void {
  console.error(`npm start: ${line}`);
}

/** Can we bind the port on loopback? Fails when anything listens on it, on 127.0.0.1 or on all addresses. */
function portFree(p: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen({ port: p, host: '127.0.0.1', exclusive: true }, () => server.close(() => done(true)));
  });
}

async function choosePorts(config: z.infer<typeof stackSchema>): Promise<Record<PortName, number>> {
  const chosen = {} as Record<PortName, number>;
  const taken = new Set<number>();
  for (const name of Object.keys(PORTS) as PortName[]) {
    const spec = PORTS[name];
    const wanted = config[spec.variable] as number | undefined;
    if (wanted !== undefined) {
      if (taken.has(wanted) || !(await portFree(wanted))) {
        throw new Error(`${spec.variable}=${wanted}: port ${wanted} is already in use; choose another`);
      }
      chosen[name] = wanted;
    } else if (!taken.has(spec.default) && (await portFree(spec.default))) {
      chosen[name] = spec.default;
    } else {
      let p = await freePort();
      while (taken.has(p)) p = await freePort();
      chosen[name] = p;
      say(
        `note: port ${spec.default} (${spec.what}) is taken by something else on this machine; using ${p} ` +
          `(set ${spec.variable} to choose)`,
      );
    }
    taken.add(chosen[name]);
  }
  return chosen;
}

/** The last lines of a log file written since the process's latest start, for an error message. */
function tail(file: string, lines = 20): string {
  try {
    const runs = readFileSync(file, 'utf8').split(/^===== .* started .* =====$/m);
    const text = runs[runs.length - 1].trim();
    if (!text) return '    (nothing logged)';
    return text
      .split('\n')
      .slice(-lines)
      .map((l) => '    | ' + l)
      .join('\n');
  } catch {
    return '    (no log written)';
  }
}

interface App {
  name: 'ingest' | 'worker' | 'gateway' | 'jt808';
  port: number;
  env: Record<string, string>;
}

class Stack {
  private services?: Services;
  /** The demo's local SMTP server and SMS/webhook receiver (docs/notifications.md). */
  receivers?: NotifyReceivers;
  private readonly apps = new Map<string, ManagedProcess>();
  private simulator?: ManagedProcess;
  /**
   * Starts an app or the simulator again when it dies (1, 2, 4 … 30 s apart while it keeps dying), as the
   * compose file's restart policy does, and writes who is up to the status file the apps show on /ready.
   */
  private readonly supervisor: Supervisor;

  constructor(
    private readonly logsDir: string,
    private readonly rel: (p: string) => string,
    statusFile: string,
  ) {
    this.supervisor = new Supervisor(
      {
        died: (name, code, delayMs, proc) => {
          warn(
            `${name} exited unexpectedly (${exitText(code)}); starting it again in ${delayMs / 1000} s. ` +
              `Its log (${this.rel(proc.logFile)}):\n${tail(proc.logFile)}`,
          );
        },
        restarted: (name, proc, restarts) => {
          if (name === 'simulator') this.simulator = proc;
          else this.apps.set(name, proc);
          warn(`${name} started again (pid ${proc.pid}; restart ${restarts} since npm start)`);
        },
        failed: (name, err) => warn(`${name} could not be started again: ${err.message}`),
      },
      statusFile,
    );
  }

  async startServices(
    registry: Registry,
    dir: string,
    ports: Record<PortName, number>,
    root: string,
  ): Promise<Services> {
    this.services = await Services.start({
      dir,
      registry,
      root,
      observers: [DEMO_OBSERVER],
      // The demo fleet hands devices over to scenario runs (docs/simulators.md); demo passwords = names.
      simulators: {
        fleet: { username: SIMULATOR_CONTROL_USERS.fleet, password: SIMULATOR_CONTROL_USERS.fleet },
        scenario: { username: SIMULATOR_CONTROL_USERS.scenario, password: SIMULATOR_CONTROL_USERS.scenario },
      },
      ports: {
        mqtt: ports.mqtt,
        mqttInternal: ports.mqttInternal,
        redis: ports.redis,
        influx: ports.influx,
        influxRpc: ports.influxRpc,
      },
    });
    return this.services;
  }

  private logFile(name: string): string {
    return join(this.logsDir, `${name}.log`);
  }

  /** Starts a node entry point with its log under .run/logs; the log gets a header per run. */
  private spawn(
    name: string,
    entry: string,
    args: string[],
    extraEnv: Record<string, string>,
    nodeFlags: readonly string[] = [],
  ): ManagedProcess {
    const file = join(ROOT, entry);
    if (!existsSync(file)) {
      throw new Error(`${entry} does not exist: build first (npm run build, which npm start runs)`);
    }
    const log = this.logFile(name);
    appendFileSync(log, `\n===== ${name} started ${new Date().toISOString()} =====\n`);
    return ManagedProcess.start(name, process.execPath, [...nodeFlags, file, ...args], log, {
      cwd: ROOT,
      env: { ...process.env, ...extraEnv },
    });
  }

  async startApps(apps: App[], readyTimeoutMs: number): Promise<void> {
    for (const app of apps) {
      this.apps.set(
        app.name,
        this.spawn(app.name, `dist/apps/${app.name}/src/main.js`, [], app.env, APP_NODE_FLAGS),
      );
    }
    await Promise.all(
      apps.map(async (app) => {
        const proc = this.apps.get(app.name)!;
        const log = this.rel(this.logFile(app.name));
        const url = `http://127.0.0.1:${app.port}/ready`;
        let lastStatus = 'no answer';
        const ready = waitFor(
          `${app.name} ${url}`,
          async () => {
            const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
            lastStatus = `HTTP ${res.status}`;
            await res.body?.cancel();
            return res.status === 200;
          },
          readyTimeoutMs,
          250,
        );
        const exited = proc.waitExit().then((code) => {
          throw new Error(
            `${app.name} exited with code ${code} while starting; its log (${log}):\n${tail(proc.logFile)}`,
          );
        });
        try {
          await Promise.race([ready, exited]);
        } catch (err) {
          if (!proc.alive) throw err;
          throw new Error(
            `${app.name} was not ready within ${readyTimeoutMs / 1000} s (GET ${url}: ${lastStatus}); ` +
              `its log (${log}):\n${tail(proc.logFile)}`,
            { cause: err },
          );
        }
        exited.catch(() => undefined);
        say(`${app.name.padEnd(8)} ready on http://127.0.0.1:${app.port} (log ${log})`);
      }),
    );
    for (const app of apps) {
      this.supervisor.add(app.name, this.apps.get(app.name)!, () =>
        this.spawn(app.name, `dist/apps/${app.name}/src/main.js`, [], app.env, APP_NODE_FLAGS),
      );
    }
  }

  async startSimulator(
    mqttUrl: string,
    root: string,
    extraArgs: string[],
    registryFile: string,
  ): Promise<void> {
    const start = () =>
      this.spawn(
        'simulator',
        'dist/simulators/src/cli.js',
        // The whole fleet, scenario devices included: the demo shows every truck moving. It hands a
        // device over to a scenario run (`npm run sim -- scenario …`) while the run drives it.
        [
          'run',
          '--url',
          mqttUrl,
          '--root',
          root,
          '--stats-every',
          '5m',
          '--with-scenario-devices',
          ...extraArgs,
        ],
        { LG_MODE: 'demo', REGISTRY_FILE: registryFile },
      );
    const sim = start();
    this.simulator = sim;
    const log = this.rel(sim.logFile);
    const exited = sim.waitExit().then((code) => {
      throw new Error(`the simulator exited with code ${code}; its log (${log}):\n${tail(sim.logFile)}`);
    });
    // The simulator says so once every device is connected.
    const publishing = waitFor(
      'the simulator to connect its devices',
      () =>
        readFileSync(sim.logFile, 'utf8')
          .split('===== simulator started')
          .at(-1)!
          .includes(' publishing to '),
      30_000,
      100,
    );
    await Promise.race([publishing, exited]);
    exited.catch(() => undefined);
    this.supervisor.add('simulator', sim, start);
  }

  /** Simulator first (its devices publish offline while the broker is up), then the apps, then services. */
  async stop(): Promise<void> {
    this.supervisor.stop();
    if (this.simulator) {
      say('stopping the simulator…');
      await this.simulator.stop(10_000);
    }
    if (this.apps.size > 0) {
      say(`stopping ${[...this.apps.keys()].join(', ')}…`);
      await Promise.all([...this.apps.values()].map((p) => p.stop(15_000)));
    }
    await this.receivers?.stop();
    if (this.services) {
      say('stopping Mosquitto, Redis and InfluxDB…');
      await this.services.stop();
    }
  }

  /** Second Ctrl-C: no more waiting. */
  async kill(): Promise<void> {
    this.supervisor.stop();
    const all = [this.simulator, ...this.apps.values()].filter((p): p is ManagedProcess => p !== undefined);
    if (this.services) all.push(this.services.mosquitto, this.services.redis, this.services.influx);
    await Promise.all(all.map((p) => p.kill()));
  }
}

/**
 * One `npm start` per project: two would share `.run/services` (one Redis AOF, one Mosquitto database).
 * The claim is a pid file, released at exit; a stale one (its process gone) is taken over.
 */
function claimRunDir(runDir: string): void {
  const pidFile = join(runDir, 'stack.pid');
  try {
    const other = Number(readFileSync(pidFile, 'utf8').trim());
    if (other && other !== process.pid) {
      process.kill(other, 0);
      throw new Error(`another npm start (pid ${other}) is running in this project; stop it first (Ctrl-C)`);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ESRCH') throw err;
  }
  writeFileSync(pidFile, String(process.pid));
  process.on('exit', () => {
    try {
      if (readFileSync(pidFile, 'utf8').trim() === String(process.pid)) unlinkSync(pidFile);
    } catch {
      // already gone
    }
  });
}

/** Rejects once `signal` aborts: raced against start-up steps so that Ctrl-C need not wait out a deadline. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Error('start-up interrupted'));
    signal.addEventListener('abort', () => reject(new Error('start-up interrupted')), { once: true });
  });
}

async function main(): Promise<number> {
  const values = parseScriptArgs({ ...booleanOptions('no-sim'), ...stringOptions('speedup') }, USAGE);
  if (!values) return 0;
  const config = loadConfig(stackSchema);
  const runDir = join(ROOT, '.run');
  const logsDir = join(runDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const rel = (p: string): string => relative(process.cwd(), p) || '.';
  // Relative to the project root, which is every child's working directory.
  const registryFile = config.REGISTRY_FILE;
  const registry = Registry.load(resolve(ROOT, registryFile));
  const root = config.MQTT_TOPIC_ROOT;

  claimRunDir(runDir);
  const statusFile = join(runDir, 'stack-status.json');
  const stack = new Stack(logsDir, rel, statusFile);
  const interrupt = new AbortController();
  let running = false;
  let firstSignalAt = 0;
  let resolveStopped: (code: number) => void = () => undefined;
  const stopped = new Promise<number>((r) => (resolveStopped = r));
  const onSignal = (signal: NodeJS.Signals): void => {
    const now = Date.now();
    if (interrupt.signal.aborted) {
      // npm and the terminal may both deliver one Ctrl-C: only a second press a moment later forces.
      if (now - firstSignalAt < 1000) return;
      warn(`${signal} again: killing everything without waiting`);
      void stack.kill().finally(() => process.exit(130));
      return;
    }
    firstSignalAt = now;
    interrupt.abort();
    say(`\n${signal}: stopping…`);
    if (!running) return; // the start-up sequence notices and stops what it started
    stack.stop().then(
      () => {
        say('stopped.');
        resolveStopped(0);
      },
      (err: Error) => {
        warn(`stop failed: ${err.message}`);
        resolveStopped(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);

  try {
    const ports = await choosePorts(config);
    say(
      `starting Mosquitto :${ports.mqtt} (devices) and :${ports.mqttInternal} (platform), Redis :${ports.redis}, InfluxDB :${ports.influx} ` +
        `(data in ${rel(join(runDir, 'services'))})…`,
    );
    const services = await stack.startServices(registry, join(runDir, 'services'), ports, root);
    interrupt.signal.throwIfAborted();

    // The far ends of the notifications, in this process: what the worker sends lands here (GET /inbox).
    stack.receivers = await NotifyReceivers.start({ ...DEMO_NOTIFY_CREDENTIALS });
    const receivers = stack.receivers;
    // The local SMS gateway reports each message delivered, as a provider's receipt, to the gateway.
    receivers.receiptsTo(
      `http://127.0.0.1:${ports.gateway}/api/notify/sms-receipts`,
      DEMO_NOTIFY_CREDENTIALS.smsReceiptSecret,
    );

    const jwtFile = join(runDir, 'jwt-secret');
    const jwtSecret = randomBytes(48).toString('base64url');
    writeFileSync(jwtFile, jwtSecret + '\n', { mode: 0o600 });

    const common: Record<string, string> = {
      LG_MODE: 'demo',
      REGISTRY_FILE: registryFile,
      REDIS_URL: services.redisUrl,
      REDIS_PREFIX: 'lg',
      RULE_PARTITIONS: '8',
      INFLUX_URL: services.influxUrl,
      INFLUX_API: 'v1',
      INFLUX_DB: 'longgang',
      HTTP_HOST: '127.0.0.1',
      // Each app's /ready tells which of the others is down, from what the supervisor writes here.
      STACK_STATUS_FILE: statusFile,
      // The logs go to files: no terminal colour codes in them.
      NO_COLOR: '1',
    };
    const apps: App[] = [
      {
        name: 'ingest',
        port: ports.ingest,
        env: {
          ...common,
          HTTP_PORT: String(ports.ingest),
          MQTT_URL: services.internalMqttUrl,
          MQTT_USERNAME: 'lg-ingest',
          MQTT_PASSWORD: 'lg-ingest',
          MQTT_TOPIC_ROOT: root,
          INGEST_INSTANCE: 'ingest-1',
        },
      },
      {
        name: 'worker',
        port: ports.worker,
        // Demo only: the test clock lets `npm run sim -- scenario offline-moved` make minutes pass.
        env: {
          ...common,
          HTTP_PORT: String(ports.worker),
          WORKER_ID: 'worker-1',
          LG_TEST_CLOCK: 'true',
          ...demoNotifyEnv(receivers, `http://127.0.0.1:${ports.gateway}`),
        },
      },
      {
        name: 'gateway',
        port: ports.gateway,
        env: {
          ...common,
          HTTP_PORT: String(ports.gateway),
          JWT_SECRET: jwtSecret,
          // The dashboard is served from the gateway itself; this admits its localhost alias too.
          CORS_ORIGINS: `http://localhost:${ports.gateway}`,
          // "Try a message" judges topics under the same root as ingest.
          MQTT_TOPIC_ROOT: root,
          SMS_RECEIPT_SECRET: DEMO_NOTIFY_CREDENTIALS.smsReceiptSecret,
        },
      },
      {
        name: 'jt808',
        port: ports.jt808Http,
        env: {
          ...common,
          HTTP_PORT: String(ports.jt808Http),
          MQTT_TOPIC_ROOT: root,
          JT808_PORT: String(ports.jt808),
          JT808_HOST: '127.0.0.1',
          JT808_INSTANCE: 'jt808-1',
        },
      },
    ];
    say('starting ingest, worker, gateway and the JT/T 808 gateway…');
    await Promise.race([stack.startApps(apps, config.READY_TIMEOUT_SEC * 1000), aborted(interrupt.signal)]);

    if (!values['no-sim']) {
      const args = values.speedup ? ['--speedup', values.speedup] : [];
      await Promise.race([
        stack.startSimulator(services.mqttUrl, root, args, registryFile),
        aborted(interrupt.signal),
      ]);
    }
    running = true;
    printBanner(ports, root, rel(logsDir), !values['no-sim'], receivers);
    return await stopped;
  } catch (err) {
    if (!interrupt.signal.aborted) {
      warn(err instanceof ConfigError ? err.message : `start-up failed: ${(err as Error).message}`);
    }
    await stack.stop();
    say('stopped.');
    return interrupt.signal.aborted ? 0 : 1;
  }
}

function printBanner(
  ports: Record<PortName, number>,
  root: string,
  logs: string,
  simulating: boolean,
  receivers: NotifyReceivers,
): void {
  const mqtt = `-h 127.0.0.1 -p ${ports.mqtt} -V mqttv5`;
  const internal = `-h 127.0.0.1 -p ${ports.mqttInternal} -V mqttv5`;
  const gas = `${root}/gas/P01/G001/telemetry`;
  say(`
Longgang safety platform is running (demo mode)
  Dashboard   http://127.0.0.1:${ports.gateway}/        API docs http://127.0.0.1:${ports.gateway}/api/docs
  Logins      operator / operator (command centre); c01 … c12, password = name (one company each)
  MQTT        127.0.0.1:${ports.mqtt}, MQTT v5, topic root ${root}; every owner (C01, S01, P01…) and device
              (T001, G001…) logs in with password = its name; the broker takes the username as the client
              ID (one session per identity). ${simulating ? 'The demo fleet is publishing.' : 'No simulator (--no-sim).'}
  Watch all   on the internal listener (ingest and observers only, :${ports.mqttInternal}):
              mosquitto_sub ${internal} -u ${DEMO_OBSERVER.username} -P ${DEMO_OBSERVER.password} -t '${root}/#' -v
  Red alert   a gas reading of 60 % LEL from detector G001, published by its pipeline network P01:
              mosquitto_pub ${mqtt} -u P01 -P P01 -q 1 -t ${gas} -m "{\\"ts\\":$(date +%s%3N),\\"lel\\":60}"
              ts is epoch milliseconds (now: ${Date.now()}) or an ISO-8601 string with a zone, e.g.
              -m '{"ts":"${new Date().toISOString()}","lel":60}'. Or: npm run sim -- publish --url mqtt://127.0.0.1:${ports.mqtt} --device G001 --lel 60
  JT/T 808    terminals connect to tcp://127.0.0.1:${ports.jt808} (2013 or 2019; terminal numbers in the registry,
              e.g. T001 is 013807550001); decode a frame: npm run jt808 -- decode <hex>
  Services    Redis redis://127.0.0.1:${ports.redis}, InfluxDB http://127.0.0.1:${ports.influx} (database longgang)
  Notified    SMS, e-mail and webhooks go to local receivers: SMTP :${receivers.smtpPort}, what came in
              ${receivers.httpUrl}/inbox; each alert's detail in the dashboard shows its deliveries
  Logs        ${logs}/{ingest,worker,gateway,jt808,simulator}.log
Ctrl-C stops everything.`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Bad settings, a registry that does not load, another instance: the message is the whole story.
    if (err instanceof Error) warn(err.message);
    else console.error('npm start failed:', err);
    process.exit(1);
  },
);
