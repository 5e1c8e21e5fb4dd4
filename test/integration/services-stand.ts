import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { connectAsync, type MqttClient, type OnMessageCallback } from 'mqtt';
import type { Registry } from '@lg/registry';
import { Services, type ServicesOptions } from '@lg/services';
import { useStand } from '../stand';

/** What `servicesStand` gives its tests once its `beforeAll` has run. */
export interface ServicesStand {
  readonly services: Services;
  /** One connection to the services' Redis, for the tests to read and write with. */
  readonly redis: Redis;
}

/**
 * The harness's services (started for `registry` in a temporary folder named from `label`) and a Redis
 * connection to them, for the `describe` block that calls it: started in its `beforeAll`, closed, stopped
 * and removed in its `afterAll`. Read the fields inside tests and hooks, not while the block is declared.
 */
export function servicesStand(label: string, registry: Registry): ServicesStand {
  let dir: string | undefined;
  let services: Services | undefined;
  let redis: Redis | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), label));
    services = await Services.start({ dir, registry });
    redis = new Redis(services.redisUrl);
  });

  afterAll(async () => {
    await redis?.quit();
    await services?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the services stand is read before its beforeAll ran');
    return value;
  };
  return {
    get services() {
      return started(services);
    },
    get redis() {
      return started(redis);
    },
  };
}

/** The identity the simulator suites watch their topic root with, on the internal listener. */
export const OBSERVER = { username: 'observer', password: 'observer-secret' };

/**
 * A connection as `OBSERVER` with `clientId` to the internal listener at `url`, subscribed to `filter` at
 * QoS 1, that hands every message to `onMessage`.
 */
export async function connectObserver(
  url: string,
  filter: string,
  clientId: string,
  onMessage: OnMessageCallback,
): Promise<MqttClient> {
  const client = await connectAsync(url, { protocolVersion: 5, clientId, ...OBSERVER, reconnectPeriod: 0 });
  client.on('message', onMessage);
  try {
    await client.subscribeAsync(filter, { qos: 1 });
  } catch (err) {
    await client.endAsync();
    throw err;
  }
  return client;
}

export interface ObservedServicesOptions {
  /** Names the temporary folder. */
  label: string;
  registry: Registry;
  /** The topic root, the suite's own. */
  root: string;
  /** The simulators' control identities, when the suite runs fleets that yield. */
  simulators?: ServicesOptions['simulators'];
  /** What the observer reads (everything under the root unless given), as whom, and what it does with it. */
  filter?: string;
  clientId?: string;
  onMessage: OnMessageCallback;
}

/** The harness's services for a simulator suite, with `OBSERVER` watching under the suite's root. */
export class ObservedServices {
  private constructor(
    readonly services: Services,
    private readonly observer: MqttClient,
    private readonly dir: string,
  ) {}

  static async start(o: ObservedServicesOptions): Promise<ObservedServices> {
    const dir = mkdtempSync(join(tmpdir(), o.label));
    let services: Services | undefined;
    try {
      services = await Services.start({
        dir,
        registry: o.registry,
        root: o.root,
        observers: [OBSERVER],
        ...(o.simulators ? { simulators: o.simulators } : {}),
      });
      const observer = await connectObserver(
        services.internalMqttUrl,
        o.filter ?? `${o.root}/#`,
        o.clientId ?? 'observer',
        o.onMessage,
      );
      return new ObservedServices(services, observer, dir);
    } catch (err) {
      await services?.stop();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    await this.observer.endAsync();
    await this.services.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `ObservedServices` for the calling `describe` block: started in its `beforeAll`, stopped in its `afterAll`. */
export function useObservedServices(o: ObservedServicesOptions): ObservedServices {
  return useStand(() => ObservedServices.start(o));
}
