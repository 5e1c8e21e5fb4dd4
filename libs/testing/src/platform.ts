import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Registry, type RegistryData } from '@lg/registry';
import {
  APP_NODE_FLAGS,
  freePort,
  ManagedProcess,
  Services,
  StopWaiting,
  waitFor,
  type ServicesOptions,
} from '@lg/services';

/** The apps a test may start; `jt808` (the JT/T 808 gateway) only when asked for. */
export type AppName = 'ingest' | 'worker' | 'gateway' | 'jt808';

export interface PlatformOptions {
  registryFile?: string;
  apps?: AppName[];
  /** Extra environment for every app. */
  env?: Record<string, string>;
  observers?: Array<{ username: string; password: string }>;
  /**
   * `owners`: the broker admits the registry's owners but not each device (bench of a 100,000-device
   * registry published through the owners; see `MqttIdentityOptions.deviceIdentities`). Default `all`.
   */
  deviceIdentities?: 'all' | 'owners';
  /** Redis as a Sentinel setup; the apps then connect through the sentinels (`REDIS_SENTINELS`). */
  sentinel?: ServicesOptions['sentinel'];
}

/** The repository: three levels up from the sources, four from their build in dist/. */
const ROOT = ((up) => (up.endsWith('/dist') ? resolve(up, '..') : up))(resolve(__dirname, '../../..'));

/** The demo district's registry with `change` made to it, written into `dir`: its path (`registryFile`). */
export function demoRegistryWith(dir: string, change: (data: RegistryData) => void): string {
  const data = JSON.parse(
    readFileSync(resolve(ROOT, 'config/registry/longgang.json'), 'utf8'),
  ) as RegistryData;
  change(data);
  const file = join(dir, 'registry.json');
  writeFileSync(file, JSON.stringify(data));
  return file;
}

/**
 * The whole platform for an end-to-end test: Mosquitto, Redis and InfluxDB on free ports in a temporary
 * folder, then the built apps started as processes (from dist/, as in production), each waited on until
 * its `/ready` answers 200. Everything it starts it stops, and the folder goes with it.
 */
export class Platform {
  readonly apps = new Map<string, { proc: ManagedProcess; port: number; env: Record<string, string> }>();
  readonly prefix = `t${randomBytes(4).toString('hex')}`;
  readonly database = `test_${randomBytes(4).toString('hex')}`;
  readonly jwtSecret = randomBytes(32).toString('hex');

  private constructor(
    readonly dir: string,
    readonly services: Services,
    readonly registryFile: string,
    readonly registry: Registry,
    /** This platform's MQTT topic root: tests never see each other's messages. */
    readonly root: string,
  ) {}

  static async start(o: PlatformOptions = {}): Promise<Platform> {
    const registryFile = resolve(ROOT, o.registryFile ?? 'config/registry/longgang.json');
    const registry = Registry.load(registryFile);
    const dir = mkdtempSync(join(tmpdir(), 'lg-e2e-'));
    let services: Services | undefined;
    let platform: Platform | undefined;
    try {
      const root = `t${randomBytes(3).toString('hex')}/v1`;
      services = await Services.start({
        dir,
        registry,
        root,
        observers: o.observers,
        deviceIdentities: o.deviceIdentities,
        sentinel: o.sentinel,
      });
      platform = new Platform(dir, services, registryFile, registry, root);
      for (const app of o.apps ?? ['ingest', 'worker', 'gateway']) await platform.startApp(app, o.env);
      return platform;
    } catch (err) {
      if (platform) await platform.stop();
      else {
        await services?.stop();
        rmSync(dir, { recursive: true, force: true });
      }
      throw err;
    }
  }

  baseEnv(): Record<string, string> {
    return {
      LG_MODE: 'demo',
      LOG_LEVEL: 'warn',
      REGISTRY_FILE: this.registryFile,
      REDIS_URL: this.services.redisUrl,
      ...(this.services.sentinel
        ? {
            REDIS_SENTINELS: this.services.sentinel.sentinelList,
            REDIS_MASTER_NAME: this.services.sentinel.masterName,
          }
        : {}),
      REDIS_PREFIX: this.prefix,
      RULE_PARTITIONS: '4',
      INFLUX_URL: this.services.influxUrl,
      INFLUX_API: 'v1',
      INFLUX_DB: this.database,
      // Ingest connects to the broker's internal listener; devices in tests use `services.mqttUrl`.
      MQTT_URL: this.services.internalMqttUrl,
      MQTT_USERNAME: 'lg-ingest',
      MQTT_PASSWORD: 'lg-ingest',
      MQTT_TOPIC_ROOT: this.root,
      JWT_SECRET: this.jwtSecret,
      HTTP_HOST: '127.0.0.1',
    };
  }

  async startApp(app: AppName, extra: Record<string, string> = {}, instance: string = app): Promise<number> {
    const main = join(ROOT, 'dist/apps', app, 'src/main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first (npm test does)`);
    const port = extra.HTTP_PORT ? Number(extra.HTTP_PORT) : await freePort();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...this.baseEnv(),
      HTTP_PORT: String(port),
      INGEST_INSTANCE: `${instance}-1`,
      WORKER_ID: `${instance}-1`,
      JT808_INSTANCE: `${instance}-1`,
      ...(app === 'jt808' && !extra.JT808_PORT ? { JT808_PORT: String(await freePort()) } : {}),
      ...extra,
    };
    const proc = ManagedProcess.start(
      instance,
      process.execPath,
      [...APP_NODE_FLAGS, main],
      join(this.dir, `${instance}.log`),
      {
        env,
        cwd: ROOT,
      },
    );
    this.apps.set(instance, { proc, port, env });
    await waitFor(
      `${instance} /ready (log: ${join(this.dir, `${instance}.log`)})`,
      async () => {
        if (!proc.alive)
          throw new StopWaiting(`${instance} exited; see ${join(this.dir, `${instance}.log`)}`);
        const res = await fetch(`http://127.0.0.1:${port}/ready`);
        return res.status === 200;
      },
      30_000,
      100,
    );
    return port;
  }

  /** SIGKILL: the process gets no chance to flush or acknowledge anything. */
  async kill(instance: string): Promise<void> {
    await this.apps.get(instance)?.proc.kill();
  }

  /** Starts a stopped or killed app again with the same identity (client IDs, consumer names, port). */
  async restart(instance: string, app: AppName): Promise<void> {
    const before = this.apps.get(instance);
    if (!before) throw new Error(`${instance} was never started`);
    await before.proc.stop();
    await this.startApp(app, { ...before.env, HTTP_PORT: String(before.port) }, instance);
  }

  /** The TCP port a JT/T 808 gateway instance listens on for terminals. */
  jt808Port(instance = 'jt808'): number {
    const a = this.apps.get(instance);
    if (!a?.env.JT808_PORT) throw new Error(`${instance} is not a JT/T 808 gateway that was started`);
    return Number(a.env.JT808_PORT);
  }

  /** Base URL of a running app, by its instance name (the app's name unless started under another). */
  url(app: string): string {
    const a = this.apps.get(app);
    if (!a) throw new Error(`${app} is not running`);
    return `http://127.0.0.1:${a.port}`;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values()].map((a) => a.proc.stop()));
    await this.services.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  async influxQuery(q: string): Promise<Array<Record<string, unknown>>> {
    const res = await fetch(
      `${this.services.influxUrl}/query?db=${this.database}&epoch=ms&q=${encodeURIComponent(q)}`,
    );
    const body = (await res.json()) as {
      results: Array<{ series?: Array<{ columns: string[]; values: unknown[][] }> }>;
    };
    const series = body.results[0]?.series ?? [];
    return series.flatMap((s) => s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]]))));
  }
}
