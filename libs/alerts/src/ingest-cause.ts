import type { CauseState, IngestBeat } from '@lg/contracts';

/**
 * The platform cause "ingest not taking readings" (docs/rules.md, "Inhibition"), decided from the ingest
 * instances' heartbeats. Pure: the beats and the wall clock come from the caller, once a second.
 */

/** The rule of the one alert that stands for ingest being down. */
export const INGEST_DOWN_RULE = 'platform.ingest_down';

export interface IngestWatchSettings {
  /** A beat whose `takingAt` is at most this old means the instance takes readings now, ms. */
  aliveMs: number;
  /** Ingest is down once no instance has taken readings for longer than this, ms. */
  downAfterMs: number;
}

/**
 * Where the platform cause goes now: `up` or `down`, or null when it stays as `prev` (or stays unrecorded).
 *
 * - Ingest never seen (no beat ever, no state recorded): null. A setup without ingest (many tests, a
 *   worker-only deployment) has no platform cause, and its devices' silences are raised as always.
 * - An instance took readings within `aliveMs` (alive and connected to the broker): up.
 * - None has for longer than `downAfterMs` (counted from the last time any took readings, or from the
 *   start of the instances that never did): down. In between: no change, so a restart of ingest within
 *   the down-after time raises nothing.
 */
export function ingestCauseChange(
  beats: readonly IngestBeat[],
  prev: CauseState | undefined,
  nowMs: number,
  s: IngestWatchSettings,
): 'up' | 'down' | null {
  if (beats.length === 0 && !prev) return null;
  let lastTaking: number | undefined;
  let firstStart: number | undefined;
  for (const b of beats) {
    if (b.takingAt !== null && (lastTaking === undefined || b.takingAt > lastTaking)) lastTaking = b.takingAt;
    if (firstStart === undefined || b.startedAt < firstStart) firstStart = b.startedAt;
  }
  if (lastTaking !== undefined && nowMs - lastTaking <= s.aliveMs) return prev?.state === 'up' ? null : 'up';
  if (prev?.state === 'down') return null;
  const reference = lastTaking ?? firstStart;
  return reference !== undefined && nowMs - reference > s.downAfterMs ? 'down' : null;
}

/**
 * The state to record for a change. A first `up` (ingest seen for the first time, nothing was down) is
 * recorded as up since the epoch: there is no outage to recover from, so no grace holds anything.
 */
export function ingestCauseState(
  change: 'up' | 'down',
  prev: CauseState | undefined,
  nowMs: number,
): CauseState {
  return change === 'up' && !prev ? { state: 'up', since: 0 } : { state: change, since: nowMs };
}
