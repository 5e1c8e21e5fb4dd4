import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from '@lg/registry';
import { freePort } from './process';
import type { ManagedProcess } from './process';
import { startRedisServer } from './redis-server';
import { startInfluxServer } from './influxd';
import { startMosquitto } from './mosquitto';
import { mqttIdentities, type MqttUser } from './mqtt-identities';

export interface ServicesOptions {
  /** Folder for every service's data and logs. */
  dir: string;
  registry: Registry;
  root?: string;
  ingest?: MqttUser;
  observers?: MqttUser[];
  passwordOf?: (username: string) => string;
  redisPassword?: string;
  ports?: Partial<{ mqtt: number; redis: number; influx: number; influxRpc: number }>;
}

/** Mosquitto, Redis and InfluxDB on loopback, each under its own folder of `dir`. */
export class Services {
  private constructor(
    readonly dir: string,
    readonly mosquitto: ManagedProcess,
    readonly redis: ManagedProcess,
    readonly influx: ManagedProcess,
    readonly ports: { mqtt: number; redis: number; influx: number; influxRpc: number },
    readonly redisPassword: string | undefined,
  ) {}

  static async start(o: ServicesOptions): Promise<Services> {
    mkdirSync(o.dir, { recursive: true });
    const ports = {
      mqtt: o.ports?.mqtt ?? (await freePort()),
      redis: o.ports?.redis ?? (await freePort()),
      influx: o.ports?.influx ?? (await freePort()),
      influxRpc: o.ports?.influxRpc ?? (await freePort()),
    };
    const root = o.root ?? 'lg/v1';
    const ingest = o.ingest ?? { username: 'lg-ingest', password: 'lg-ingest' };
    const identities = mqttIdentities(o.registry, {
      root,
      ingest,
      observers: o.observers,
      passwordOf: o.passwordOf ?? ((u) => u),
    });
    const started: ManagedProcess[] = [];
    try {
      const [mosquitto, redis, influx] = await Promise.all([
        startMosquitto({ dir: join(o.dir, 'mosquitto'), port: ports.mqtt, ...identities }).then((p) => {
          started.push(p);
          return p;
        }),
        startRedisServer({ dir: join(o.dir, 'redis'), port: ports.redis, password: o.redisPassword }).then(
          (p) => {
            started.push(p);
            return p;
          },
        ),
        startInfluxServer({
          dir: join(o.dir, 'influxdb'),
          port: ports.influx,
          rpcPort: ports.influxRpc,
        }).then((p) => {
          started.push(p);
          return p;
        }),
      ]);
      return new Services(o.dir, mosquitto, redis, influx, ports, o.redisPassword);
    } catch (err) {
      await Promise.all(started.map((p) => p.stop()));
      throw err;
    }
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.ports.mqtt}`;
  }

  get redisUrl(): string {
    const auth = this.redisPassword ? `:${encodeURIComponent(this.redisPassword)}@` : '';
    return `redis://${auth}127.0.0.1:${this.ports.redis}`;
  }

  get influxUrl(): string {
    return `http://127.0.0.1:${this.ports.influx}`;
  }

  async stop(): Promise<void> {
    await Promise.all([this.mosquitto.stop(), this.redis.stop(), this.influx.stop()]);
  }
}
