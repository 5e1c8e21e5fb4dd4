import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '@lg/registry';
import { freePort } from './process';
import type { ManagedProcess } from './process';
import { startRedisServer } from './redis-server';
import { RedisSentinelSet, type SentinelSetOptions } from './redis-sentinel';
import { startInfluxServer } from './influxd';
import { startMosquitto } from './mosquitto';
import { mqttIdentities, type MqttIdentities, type MqttUser } from './mqtt-identities';

export interface ServicesOptions {
  /** Folder for every service's data and logs. */
  dir: string;
  registry: Registry;
  root?: string;
  ingest?: MqttUser;
  observers?: MqttUser[];
  /** Demo only: the simulators' control identities (see `MqttIdentityOptions.simulators`). */
  simulators?: { fleet: MqttUser; scenario: MqttUser };
  passwordOf?: (username: string) => string;
  /** Which registry identities the broker admits (see `MqttIdentityOptions.deviceIdentities`). */
  deviceIdentities?: 'all' | 'owners';
  redisPassword?: string;
  /**
   * Redis as a Sentinel setup (a master, replicas, sentinels: see `RedisSentinelSet`) instead of one server.
   * `redis` is then the first master's process, and `redisUrl` its address.
   */
  sentinel?: Omit<SentinelSetOptions, 'dir' | 'password'>;
  /** `mqtt` is the device listener, `mqttInternal` ingest's and the observers' (see `mosquittoConfig`). */
  ports?: Partial<{ mqtt: number; mqttInternal: number; redis: number; influx: number; influxRpc: number }>;
}

/** Mosquitto, Redis and InfluxDB on loopback, each under its own folder of `dir`. */
export class Services {
  private constructor(
    readonly dir: string,
    public mosquitto: ManagedProcess,
    public redis: ManagedProcess,
    public influx: ManagedProcess,
    readonly ports: { mqtt: number; mqttInternal: number; redis: number; influx: number; influxRpc: number },
    readonly redisPassword: string | undefined,
    private readonly identities: MqttIdentities,
    /** The Sentinel setup, when Redis was started as one. */
    readonly sentinel?: RedisSentinelSet,
  ) {}

  /**
   * Stops a service (SIGTERM: it saves what it holds, as in a planned restart) and starts it again on the
   * same port with the same data. Resolves once it answers again.
   */
  async restart(service: 'mosquitto' | 'redis' | 'influx'): Promise<void> {
    switch (service) {
      case 'mosquitto':
        await this.mosquitto.stop();
        this.mosquitto = await startMosquitto({
          dir: join(this.dir, 'mosquitto'),
          port: this.ports.mqtt,
          internalPort: this.ports.mqttInternal,
          identities: this.identities,
        });
        break;
      case 'redis':
        if (this.sentinel) throw new Error('restart a node of the Sentinel setup through services.sentinel');
        await this.redis.stop();
        this.redis = await startRedisServer({
          dir: join(this.dir, 'redis'),
          port: this.ports.redis,
          password: this.redisPassword,
        });
        break;
      case 'influx':
        await this.influx.stop();
        this.influx = await startInfluxServer({
          dir: join(this.dir, 'influxdb'),
          port: this.ports.influx,
          rpcPort: this.ports.influxRpc,
        });
        break;
    }
  }

  static async start(o: ServicesOptions): Promise<Services> {
    mkdirSync(o.dir, { recursive: true });
    const root = o.root ?? 'lg/v1';
    const ingest = o.ingest ?? { username: 'lg-ingest', password: 'lg-ingest' };
    const identities = mqttIdentities(o.registry, {
      root,
      ingest,
      observers: o.observers,
      simulators: o.simulators,
      passwordOf: o.passwordOf ?? ((u) => u),
      deviceIdentities: o.deviceIdentities,
    });
    // A port the kernel handed out can be taken by someone else before the service binds it (tests run
    // side by side); a service that dies at start on a port we picked is started again on a fresh one.
    const withPort = async <T>(
      given: number | undefined,
      start: (port: number) => Promise<T>,
    ): Promise<[T, number]> => {
      for (let attempt = 1; ; attempt++) {
        const port = given ?? (await freePort());
        try {
          return [await start(port), port];
        } catch (err) {
          if (given !== undefined || attempt >= 3) throw err;
        }
      }
    };
    const started: ManagedProcess[] = [];
    let sentinel: RedisSentinelSet | undefined;
    const keep = <T extends ManagedProcess>(p: T): T => {
      started.push(p);
      return p;
    };
    try {
      const [[[mosquitto, mqtt], mqttInternal], [redis, redisPort], [[influx, influxPort], influxRpc]] =
        await Promise.all([
          withPort(o.ports?.mqttInternal, (internalPort) =>
            withPort(o.ports?.mqtt, (port) =>
              startMosquitto({ dir: join(o.dir, 'mosquitto'), port, internalPort, identities }).then(keep),
            ),
          ),
          o.sentinel
            ? RedisSentinelSet.start({
                ...o.sentinel,
                dir: join(o.dir, 'redis'),
                password: o.redisPassword,
              }).then((set): [ManagedProcess, number] => {
                sentinel = set;
                return [set.nodes[0].proc, set.nodes[0].port];
              })
            : withPort(o.ports?.redis, (port) =>
                startRedisServer({ dir: join(o.dir, 'redis'), port, password: o.redisPassword }).then(keep),
              ),
          withPort(o.ports?.influxRpc, (rpcPort) =>
            withPort(o.ports?.influx, (port) =>
              startInfluxServer({ dir: join(o.dir, 'influxdb'), port, rpcPort }).then(keep),
            ),
          ),
        ]);
      const ports = { mqtt, mqttInternal, redis: redisPort, influx: influxPort, influxRpc };
      return new Services(o.dir, mosquitto, redis, influx, ports, o.redisPassword, identities, sentinel);
    } catch (err) {
      await Promise.all([...started.map((p) => p.stop()), sentinel?.stop()]);
      throw err;
    }
  }

  /** The device listener: registry identities (owners, devices), each its username as its client ID. */
  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.ports.mqtt}`;
  }

  /** The internal listener: ingest and observers only. */
  get internalMqttUrl(): string {
    return `mqtt://127.0.0.1:${this.ports.mqttInternal}`;
  }

  /** The broker's generated auth files and log (passwd, acl, passwd-internal, acl-internal). */
  get mosquittoDir(): string {
    return join(this.dir, 'mosquitto');
  }

  get redisUrl(): string {
    const auth = this.redisPassword ? `:${encodeURIComponent(this.redisPassword)}@` : '';
    return `redis://${auth}127.0.0.1:${this.ports.redis}`;
  }

  get influxUrl(): string {
    return `http://127.0.0.1:${this.ports.influx}`;
  }

  async stop(): Promise<void> {
    await Promise.all([
      this.mosquitto.stop(),
      this.sentinel ? this.sentinel.stop() : this.redis.stop(),
      this.influx.stop(),
    ]);
  }
}
