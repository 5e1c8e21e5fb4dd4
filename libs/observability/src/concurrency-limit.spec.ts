import { BusyError, ConcurrencyLimit } from './concurrency-limit';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('ConcurrencyLimit', () => {
  it('runs maxRunning at once, queues maxWaiting in order and refuses the rest', async () => {
    const limit = new ConcurrencyLimit('hashing', { maxRunning: 2, maxWaiting: 1 });
    const gates = [deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      limit.run(async () => {
        started.push(i);
        await g.promise;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect(limit.load).toEqual({ running: 2, waiting: 1 });
    await expect(limit.run(() => Promise.resolve(9))).rejects.toThrow(BusyError);
    await expect(limit.run(() => Promise.resolve(9))).rejects.toThrow(
      'hashing is busy: 2 running and 1 waiting',
    );
    gates[1].resolve();
    await runs[1];
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    expect(limit.load).toEqual({ running: 2, waiting: 0 });
    gates[0].resolve();
    gates[2].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(limit.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees its place when a task fails', async () => {
    const limit = new ConcurrencyLimit('x', { maxRunning: 1, maxWaiting: 0 });
    await expect(limit.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit.run(() => Promise.resolve(1))).toBe(1);
  });
});
