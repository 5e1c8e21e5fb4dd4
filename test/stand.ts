/** What a suite starts once for all its tests and must stop: a platform, a browser, a gateway harness. */
export interface Stand {
  stop(): Promise<void>;
}

/**
 * Starts a stand in a `beforeAll` of the calling `describe` block and stops it in its `afterAll`, so that
 * no suite can forget the stop. `setup` runs once the stand has started (what it opens belongs on the
 * stand, to be closed with it); if it fails, the stand is stopped all the same. A stand's own `start`
 * stops what it started when it fails half-way. The hooks take the tier's timeout (test/setup).
 *
 * Returns the stand as the tests see it: read its fields and call its methods inside tests and hooks, not
 * while the block is declared (it throws until the stand has started).
 */
export function useStand<T extends Stand>(
  start: () => Promise<T>,
  setup?: (stand: T) => void | Promise<void>,
): T {
  let started: T | undefined;

  beforeAll(async () => {
    started = await start();
    await setup?.(started);
  });

  // The stand is stopped here, before any `afterAll` the suite declares later (jest runs them in order).
  afterAll(() => started?.stop());

  return new Proxy({} as T, {
    get(_, key) {
      if (!started) throw new Error(`the stand is read (${String(key)}) before its beforeAll started it`);
      const value: unknown = Reflect.get(started, key, started);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(started) : value;
    },
  });
}

/**
 * Runs every step of a stand's stop in order, each even when an earlier one failed (a server left running
 * would hold the test run open), and then throws the first failure.
 */
export async function stopInOrder(steps: ReadonlyArray<() => unknown>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
}
