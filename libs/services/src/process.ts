import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { openSync, closeSync } from 'node:fs';

/** A free TCP port on loopback, as the kernel hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port assigned'));
      });
    });
  });
}

/** Thrown by a `waitFor` check when waiting longer cannot help (the process being waited on died). */
export class StopWaiting extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StopWaiting';
  }
}

/** Polls `check` until it returns true or the deadline passes; the error names what was awaited. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      if (err instanceof StopWaiting)
        throw new Error(`gave up waiting for ${what}: ${err.message}`, { cause: err });
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Starts a server (as `ManagedProcess.start`) and waits until it answers `ready`. One that exits meanwhile
 * ends the wait at once (with `exited` as the reason); one that does not come up in time is stopped, not
 * left running while the caller tries another port.
 */
export async function startServer(
  name: string,
  command: string,
  args: string[],
  logFile: string,
  o: {
    what: string;
    exited: string;
    ready: () => Promise<boolean>;
    timeoutMs?: number;
    intervalMs?: number;
  },
): Promise<ManagedProcess> {
  const proc = ManagedProcess.start(name, command, args, logFile);
  await waitFor(
    o.what,
    async () => {
      if (!proc.alive) throw new StopWaiting(o.exited);
      return o.ready();
    },
    o.timeoutMs,
    o.intervalMs,
  ).catch(async (err: unknown) => {
    await proc.stop();
    throw err;
  });
  return proc;
}

/**
 * Node flags every platform app (ingest, worker, gateway) runs with, wherever it is started (npm start, the
 * tests and the bench, docker-compose). Left alone, V8 lets a busy process's heap fill with garbage up to a
 * limit derived from the machine's memory, so an app that keeps ~60 MB live (100,000 registered devices)
 * was seen at 300 MB RSS after a burst; a bounded old space makes it collect sooner and keeps each app
 * under the 256 MB target.
 */
export const APP_NODE_FLAGS: readonly string[] = ['--max-old-space-size=160'];

/** A child process we started, with its log file, that can be stopped, killed, paused and resumed. */
export class ManagedProcess {
  private exited: Promise<number | null>;
  private running = true;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.running = false;
        resolve(code ?? (signal ? -1 : null));
      });
    });
  }

  static start(
    name: string,
    command: string,
    args: string[],
    logFile: string,
    options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
  ): ManagedProcess {
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(command, args, {
        stdio: ['ignore', fd, fd],
        // Tools we start inherit our environment unless told otherwise, as a shell would do.
        // eslint-disable-next-line no-restricted-properties
        env: options.env ?? process.env,
        cwd: options.cwd,
      });
      child.once('error', () => undefined);
      return new ManagedProcess(name, child, logFile);
    } finally {
      closeSync(fd);
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.running;
  }

  /** Resolves with the exit code (or -1 when killed by a signal). */
  waitExit(): Promise<number | null> {
    return this.exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  pause(): void {
    this.child.kill('SIGSTOP');
  }

  resume(): void {
    this.child.kill('SIGCONT');
  }
}
