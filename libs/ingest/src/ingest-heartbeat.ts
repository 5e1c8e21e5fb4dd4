import type Redis from 'ioredis';
import { ingestHeartbeatsKey, type IngestBeat } from '@lg/contracts';

/** How often an instance says it is alive, ms. The worker counts a beat as current for three of these. */
export const INGEST_BEAT_MS = 1000;

/**
 * Tells the workers this ingest instance is alive and whether it is taking readings (its MQTT connections
 * up): one HSET a second into the heartbeat hash, never per reading. The worker decides from the beats
 * whether ingest is down (docs/rules.md, "Inhibition"). A failed write is only logged: the next one follows.
 */
export class IngestHeartbeat {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private takingAt: number | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** This process's own ID (each start is a new one, so a restarted instance is seen as new). */
    private readonly instance: string,
    /** True while every MQTT connection of the instance is up. */
    private readonly taking: () => boolean,
    private readonly warn: (message: string) => void,
  ) {}

  start(): void {
    this.beat();
    this.timer = setInterval(() => this.beat(), INGEST_BEAT_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private beat(): void {
    const at = Date.now();
    if (this.taking()) this.takingAt = at;
    const beat: IngestBeat = { at, startedAt: this.startedAt, takingAt: this.takingAt };
    this.redis
      .hset(ingestHeartbeatsKey(this.prefix), this.instance, JSON.stringify(beat))
      .catch((err: unknown) => this.warn(`heartbeat: ${err instanceof Error ? err.message : String(err)}`));
  }
}
