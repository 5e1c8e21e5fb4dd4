/** Where a process logs its start-up waits (Nest's `Logger` fits). */
export interface StartupLog {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * The start-up steps of a process that wait for an outside system (InfluxDB, a durable Redis) instead of
 * failing: each is tried again every `retryMs` until it succeeds or the process stops, and what it still
 * waits for, and why, can be shown on /ready meanwhile. The first failure is logged, then every 30th
 * (once a minute at the default pace), so an outage does not flood the log.
 */
export class StartupWaits {
  private readonly waiting = new Map<string, string>();
  private stopped = false;

  constructor(
    private readonly logger: StartupLog,
    private readonly retryMs = 2000,
  ) {}

  /** Why `what` is still waited for (its last failure), or undefined once it succeeded. */
  reason(what: string): string | undefined {
    return this.waiting.get(what);
  }

  /** Runs `attempt` until it succeeds; rejects with `stopping` once `stop()` is called instead. */
  async until(what: string, attempt: () => Promise<void>): Promise<void> {
    for (let tries = 0; !this.stopped; tries++) {
      try {
        await attempt();
        if (tries > 0) this.logger.log(`${what}: ok now`);
        this.waiting.delete(what);
        return;
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        this.waiting.set(what, reason);
        if (tries === 0 || tries % 30 === 0) this.logger.warn(`waiting for ${what}: ${reason}`);
        await new Promise((r) => setTimeout(r, this.retryMs));
      }
    }
    throw new Error('stopping');
  }

  /** No step starts another attempt after this; the waits end within one `retryMs`. */
  stop(): void {
    this.stopped = true;
  }
}
