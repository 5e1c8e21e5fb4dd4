import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SupervisorStatusFile } from '@lg/contracts';
import { supervisedPeersCheck } from '@lg/observability';
import { ManagedProcess, Supervisor, waitFor } from '@lg/services';

/**
 * `npm start`'s supervision, on real processes: one killed with SIGKILL comes back with a new pid, a crash
 * loop backs off, the status file (what the apps show on /ready) says who is down and who came back, and a
 * stop ends the supervision before the processes are stopped.
 */
describe('supervisor', () => {
  let dir: string;
  const started: ManagedProcess[] = [];
  let supervisor: Supervisor | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lg-supervisor-'));
  });
  afterEach(async () => {
    supervisor?.stop();
    await Promise.all(started.map((p) => p.kill()));
    started.length = 0;
    rmSync(dir, { recursive: true, force: true });
  });

  function launcher(name: string, script: string): () => ManagedProcess {
    return () => {
      const p = ManagedProcess.start(name, process.execPath, ['-e', script], join(dir, `${name}.log`));
      started.push(p);
      return p;
    };
  }
  const forever = 'setInterval(() => undefined, 1000)';
  const status = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as SupervisorStatusFile;

  it('starts a killed process again, and the others’ /ready says it was down and is back', async () => {
    const file = join(dir, 'status.json');
    const seenDown: string[] = [];
    const peers = supervisedPeersCheck(file, 'gateway');
    supervisor = new Supervisor(
      {
        died: (name) => {
          seenDown.push(`${name}: ${status(file).processes[name].state}`);
        },
      },
      file,
      { initialDelayMs: 500, maxDelayMs: 5000, stableAfterMs: 60_000 },
    );
    const startIngest = launcher('ingest', forever);
    const first = startIngest();
    supervisor.add('ingest', first, startIngest);
    const startGateway = launcher('gateway', forever);
    supervisor.add('gateway', startGateway(), startGateway);
    expect((await peers()).detail).toBe('informational: ingest up');

    await first.kill();
    await waitFor('ingest to be reported down', () => seenDown.length === 1, 5000, 10);
    expect(seenDown).toEqual(['ingest: restarting']);
    const down = status(file).processes.ingest;
    expect(down).toMatchObject({ state: 'restarting', lastExit: { code: -1 } });
    const during = await peers();
    expect(during.ok).toBe(true);
    expect(during.detail).toMatch(
      /^informational: ingest DOWN since .*last killed by a signal at .*restart due at /,
    );

    await waitFor('ingest to come back', () => supervisor!.process('ingest') !== first, 5000, 20);
    const back = supervisor.process('ingest')!;
    expect(back.alive).toBe(true);
    expect(back.pid).not.toBe(first.pid);
    expect(status(file).processes.ingest).toMatchObject({ state: 'up', pid: back.pid, restarts: 1 });
    expect((await peers()).detail).toMatch(
      /^informational: ingest up \(restarted 1×, last killed by a signal at /,
    );
    expect(status(file).processes.gateway).toMatchObject({ state: 'up', restarts: 0 });
  });

  it('backs off while a process keeps dying, and stops restarting once stopped', async () => {
    const delays: number[] = [];
    supervisor = new Supervisor({ died: (_name, _code, delayMs) => delays.push(delayMs) }, undefined, {
      initialDelayMs: 50,
      maxDelayMs: 400,
      stableAfterMs: 60_000,
    });
    const crash = launcher('crasher', 'process.exit(3)');
    supervisor.add('crasher', crash(), crash);
    await waitFor('five deaths in a row', () => delays.length >= 5, 10_000, 10);
    expect(delays.slice(0, 5)).toEqual([50, 100, 200, 400, 400]);
    supervisor.stop();
    const count = started.length;
    await new Promise((r) => setTimeout(r, 600));
    // Nothing was started after the stop (the check, not the sleep, is the assertion).
    expect(started.length).toBe(count);
    expect(supervisor.status().crasher.state).toBe('stopped');
  });
});
