/**
 * Runs at most `maxRunning` tasks at once and lets at most `maxWaiting` more wait their turn, in order;
 * anything beyond is refused at once with `BusyError`, so that a flood of expensive requests (password
 * hashing, scorecard computations) queues a bounded amount of work instead of all of it.
 */
export interface ConcurrencyLimitOptions {
  maxRunning: number;
  maxWaiting: number;
}

export class BusyError extends Error {
  constructor(
    readonly what: string,
    readonly running: number,
    readonly waiting: number,
  ) {
    super(`${what} is busy: ${running} running and ${waiting} waiting`);
    this.name = 'BusyError';
  }
}

export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly what: string,
    private readonly o: ConcurrencyLimitOptions,
  ) {
    if (!Number.isInteger(o.maxRunning) || o.maxRunning < 1) throw new RangeError('maxRunning must be ≥ 1');
    if (!Number.isInteger(o.maxWaiting) || o.maxWaiting < 0) throw new RangeError('maxWaiting must be ≥ 0');
  }

  /** Tasks running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Runs `task` when a place is free; throws BusyError without running it when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.o.maxRunning) {
      if (this.waiting.length >= this.o.maxWaiting)
        throw new BusyError(this.what, this.running, this.waiting.length);
      // The place is handed over by the task that finishes, so `running` never drops in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
