import { readFile } from 'node:fs/promises';
import { describeSupervised, type SupervisorStatusFile } from '@lg/contracts';

/**
 * Readiness: every dependency the process needs must answer. Each check returns a short status; a failing
 * one says why, so that `/ready` tells an operator what to fix.
 */
export interface DependencyStatus {
  ok: boolean;
  detail?: string;
  latencyMs?: number;
}

export type DependencyCheck = () => Promise<DependencyStatus>;

export class Readiness {
  private readonly checks = new Map<string, DependencyCheck>();

  register(name: string, check: DependencyCheck): void {
    this.checks.set(name, check);
  }

  async report(
    timeoutMs = 2000,
  ): Promise<{ ready: boolean; dependencies: Record<string, DependencyStatus> }> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]): Promise<[string, DependencyStatus]> => {
        const started = Date.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<DependencyStatus>((resolve) => {
            timer = setTimeout(
              () => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }),
              timeoutMs,
            );
          });
          const status = await Promise.race([check(), timeout]);
          return [name, { latencyMs: Date.now() - started, ...status }];
        } catch (err) {
          return [name, { ok: false, detail: err instanceof Error ? err.message : String(err) }];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const dependencies = Object.fromEntries(entries);
    return { ready: entries.every(([, s]) => s.ok), dependencies };
  }
}

/**
 * The other processes of a supervised stack, as its supervisor last wrote them. Informational: always ok,
 * since this process serves whatever the others do (a gateway taken out of its balancer because ingest is
 * restarting would only add an outage); the detail says who is down and when it is due back.
 */
export function supervisedPeersCheck(file: string, self: string): DependencyCheck {
  return async () => {
    try {
      const status = JSON.parse(await readFile(file, 'utf8')) as SupervisorStatusFile;
      return { ok: true, detail: `informational: ${describeSupervised(status, self) || 'no other process'}` };
    } catch (err) {
      return {
        ok: true,
        detail: `informational: no supervisor status in ${file} (${(err as Error).message})`,
      };
    }
  };
}
