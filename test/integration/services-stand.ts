import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import type { Registry } from '@lg/registry';
import { Services } from '@lg/services';

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
