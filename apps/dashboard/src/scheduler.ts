/**
 * Every DOM update goes through here: jobs scheduled under a key run once in the next animation frame,
 * however many events asked for them (156 trucks a second, bursts of alert transitions). A hidden page
 * gets no frames, so there the jobs run on a slow timer instead, keeping the page current for when it shows.
 */
const pending = new Map<string, () => void>();
let queued = false;

/** Render timings, read by the browser tests and handy in the console (`lgStats`). */
export const stats = { frames: 0, lastFrameMs: 0, maxFrameMs: 0 };

function flush(): void {
  queued = false;
  const jobs = [...pending.values()];
  pending.clear();
  const started = performance.now();
  for (const job of jobs) {
    try {
      job();
    } catch (err) {
      console.error('render failed', err);
    }
  }
  const ms = performance.now() - started;
  stats.frames++;
  stats.lastFrameMs = ms;
  stats.maxFrameMs = Math.max(stats.maxFrameMs, ms);
}

export function schedule(key: string, job: () => void): void {
  pending.set(key, job);
  if (queued) return;
  queued = true;
  if (document.hidden) window.setTimeout(flush, 250);
  else requestAnimationFrame(flush);
}

declare global {
  interface Window {
    lgStats: typeof stats;
  }
}
window.lgStats = stats;
