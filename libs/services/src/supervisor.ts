import { renameSync, writeFileSync } from 'node:fs';
import type { SupervisedStatus, SupervisorStatusFile } from '@lg/contracts';
import type { ManagedProcess } from './process';

/** When a supervised process that died is started again. */
export interface RestartPolicy {
  /** Wait before the first restart, ms; it doubles with each death in a row… */
  initialDelayMs: number;
  /** …up to this, ms. */
  maxDelayMs: number;
  /** A process that ran this long before dying starts the count again (its death is not a crash loop), ms. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  stableAfterMs: 60_000,
};

/** Wait before the restart that follows the `deathsInARow`-th death in a row (1, 2, 4 … s, capped). */
export function restartDelay(deathsInARow: number, policy: RestartPolicy = DEFAULT_RESTART_POLICY): number {
  const doublings = Math.min(Math.max(0, deathsInARow - 1), 30);
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** doublings);
}

export interface SupervisorHooks {
  /** A process died unexpectedly and will be started again after `delayMs`. */
  died?(name: string, code: number | null, delayMs: number, proc: ManagedProcess): void;
  /** A process was started again. */
  restarted?(name: string, proc: ManagedProcess, restarts: number): void;
  /** Starting it again failed (it is tried again after the next delay). */
  failed?(name: string, err: Error): void;
}

interface Entry {
  proc: ManagedProcess;
  start: () => ManagedProcess | Promise<ManagedProcess>;
  status: SupervisedStatus;
  startedAt: number;
  deathsInARow: number;
  timer?: NodeJS.Timeout;
}

/**
 * Keeps processes running, as a container runtime's restart policy does: a process that exits while the
 * supervisor runs is started again after a delay that doubles with each death in a row (a crash loop does
 * not spin), and the state of every process is written to a status file (if given) that the apps show on
 * `/ready`. `stop` ends the supervision first, so a planned stop is never taken for a death.
 */
export class Supervisor {
  private readonly entries = new Map<string, Entry>();
  private stopped = false;

  constructor(
    private readonly hooks: SupervisorHooks = {},
    private readonly statusFile?: string,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {}

  /** Supervises a running process; `start` starts a new one in its place (same name, log and settings). */
  add(name: string, proc: ManagedProcess, start: () => ManagedProcess | Promise<ManagedProcess>): void {
    const entry: Entry = {
      proc,
      start,
      status: { state: 'up', pid: proc.pid, restarts: 0, since: new Date().toISOString() },
      startedAt: Date.now(),
      deathsInARow: 0,
    };
    this.entries.set(name, entry);
    this.watch(name, entry);
    this.write();
  }

  /** The process now running under `name` (a new one after each restart). */
  process(name: string): ManagedProcess | undefined {
    return this.entries.get(name)?.proc;
  }

  status(): Record<string, SupervisedStatus> {
    return Object.fromEntries([...this.entries].map(([name, e]) => [name, { ...e.status }]));
  }

  /** Ends the supervision (no more restarts); the caller stops the processes themselves. */
  stop(): void {
    this.stopped = true;
    for (const entry of this.entries.values()) {
      clearTimeout(entry.timer);
      entry.status = { ...entry.status, state: 'stopped', since: new Date().toISOString() };
      delete entry.status.nextStartAt;
    }
    this.write();
  }

  private watch(name: string, entry: Entry): void {
    const proc = entry.proc;
    void proc.waitExit().then((code) => {
      if (this.stopped || entry.proc !== proc) return;
      const now = Date.now();
      entry.deathsInARow = now - entry.startedAt >= this.policy.stableAfterMs ? 1 : entry.deathsInARow + 1;
      const delayMs = restartDelay(entry.deathsInARow, this.policy);
      const at = new Date(now).toISOString();
      entry.status = {
        state: 'restarting',
        restarts: entry.status.restarts,
        since: at,
        lastExit: { code, at },
        nextStartAt: new Date(now + delayMs).toISOString(),
      };
      this.write();
      this.hooks.died?.(name, code, delayMs, proc);
      entry.timer = setTimeout(() => void this.restart(name, entry), delayMs);
    });
  }

  private async restart(name: string, entry: Entry): Promise<void> {
    if (this.stopped) return;
    try {
      const proc = await entry.start();
      if (this.stopped) {
        await proc.stop();
        return;
      }
      entry.proc = proc;
      entry.startedAt = Date.now();
      entry.status = {
        state: 'up',
        pid: proc.pid,
        restarts: entry.status.restarts + 1,
        since: new Date().toISOString(),
        ...(entry.status.lastExit ? { lastExit: entry.status.lastExit } : {}),
      };
      this.write();
      this.hooks.restarted?.(name, proc, entry.status.restarts);
      this.watch(name, entry);
    } catch (err) {
      entry.deathsInARow++;
      const delayMs = restartDelay(entry.deathsInARow, this.policy);
      entry.status = { ...entry.status, nextStartAt: new Date(Date.now() + delayMs).toISOString() };
      this.write();
      this.hooks.failed?.(name, err instanceof Error ? err : new Error(String(err)));
      entry.timer = setTimeout(() => void this.restart(name, entry), delayMs);
    }
  }

  private write(): void {
    if (!this.statusFile) return;
    const body: SupervisorStatusFile = { updatedAt: new Date().toISOString(), processes: this.status() };
    // Written aside and renamed: a reader never sees half a file.
    writeFileSync(`${this.statusFile}.new`, JSON.stringify(body, null, 2) + '\n');
    renameSync(`${this.statusFile}.new`, this.statusFile);
  }
}
