/**
 * A CPU profiler for a running app, loaded with `node --require dist/scripts/cpu-profile.js` (the bench's
 * `--profile` does so through NODE_OPTIONS; `--cpu-prof` is not allowed there, and would write only at a
 * clean exit, which a Nest app that re-raises SIGTERM does not make). Does nothing unless
 * `LG_CPU_PROFILE_DIR` is set. It is steered by the file `control` in that folder, read every 100 ms (a
 * signal would not do: Nest's shutdown hooks take SIGUSR2 as a request to stop): a label in it starts
 * sampling, and when it is emptied the profile goes to
 * `<LG_CPU_PROFILE_DIR>/<LG_CPU_PROFILE_NAME>-<label>.cpuprofile`. Open the files in Chrome DevTools
 * (Performance) or any `.cpuprofile` viewer.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.LG_CPU_PROFILE_DIR;

function post<T = unknown>(session: Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))),
  );
}

/** Starts sampling in this process; the returned function stops it and writes the profile to `file`. */
export async function startCpuProfile(intervalUs = 500): Promise<(file: string) => Promise<void>> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
  await post(session, 'Profiler.start');
  return async (file) => {
    const { profile } = await post<{ profile: object }>(session, 'Profiler.stop');
    session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
  };
}

if (dir) {
  const name = process.env.LG_CPU_PROFILE_NAME ?? `pid${process.pid}`;
  let running: { label: string; stop: (file: string) => Promise<void> } | undefined;
  let busy = false;
  const poll = setInterval(() => {
    if (busy) return;
    const label = control();
    if (!running && label) {
      busy = true;
      startCpuProfile()
        .then((stop) => (running = { label, stop }))
        .catch((err: unknown) => process.stderr.write(`cpu-profile: ${String(err)}\n`))
        .finally(() => (busy = false));
    } else if (running && !label) {
      busy = true;
      const { label: was, stop } = running;
      running = undefined;
      stop(join(dir, `${name}-${was}.cpuprofile`))
        .catch((err: unknown) => process.stderr.write(`cpu-profile: ${String(err)}\n`))
        .finally(() => (busy = false));
    }
  }, 100);
  poll.unref();
}

function control(): string {
  try {
    return readFileSync(join(dir!, 'control'), 'utf8').trim();
  } catch {
    return '';
  }
}
