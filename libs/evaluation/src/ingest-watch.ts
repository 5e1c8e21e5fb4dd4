import type Redis from 'ioredis';
import {
  causesKey,
  causesVersionKey,
  INGEST_CAUSE,
  ingestHeartbeatsKey,
  partitionOf,
  type CauseState,
  type IngestBeat,
  type Names,
} from '@lg/contracts';
import { ingestCauseChange, ingestCauseState, type IngestWatchSettings } from '@lg/alerts';
import { FencedBatch } from '@lg/redis';
import type { Clock } from './clock';

/** Beats older than this are of instances long gone (each restart is a new instance ID): removed. */
const FORGET_BEAT_MS = 3_600_000;

/**
 * Decides the platform cause `platform:ingest` (docs/rules.md, "Inhibition") from the ingest heartbeats,
 * once a second. Only the owner of the rule partition the cause ID hashes to decides, and writes the
 * cause fenced by that partition's lease (like the cause alerts), so two workers never disagree; every
 * worker then reads it with the other causes. Two small reads a second (the beats, the cause), never
 * anything per reading.
 */
export class IngestWatch {
  private readonly partition: number;

  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    /** The lease token of this worker. */
    private readonly owner: string,
    partitions: number,
    private readonly settings: IngestWatchSettings,
    /** The evaluation clock: the cause's `since` is compared with it when alerts open and are released. */
    private readonly clock: Clock,
  ) {
    this.partition = partitionOf(INGEST_CAUSE, partitions);
  }

  /** Records the cause's change, if this worker decides it and it changed; the new state, else null. */
  async decide(owned: readonly number[]): Promise<CauseState | null> {
    if (!owned.includes(this.partition)) return null;
    const beatsKey = ingestHeartbeatsKey(this.n.prefix);
    const [raw, prevJson] = await Promise.all([
      this.redis.hgetall(beatsKey),
      this.redis.hget(causesKey(this.n.prefix), INGEST_CAUSE),
    ]);
    // The beats carry ingest's wall-clock times: they are compared with the wall clock, not the test clock.
    const wall = Date.now();
    const beats: IngestBeat[] = [];
    const forget: string[] = [];
    for (const [instance, json] of Object.entries(raw)) {
      const beat = parseBeat(json);
      if (!beat || wall - beat.at > FORGET_BEAT_MS) forget.push(instance);
      else beats.push(beat);
    }
    const prev = prevJson ? (JSON.parse(prevJson) as CauseState) : undefined;
    const change = ingestCauseChange(beats, prev, wall, this.settings);
    if (!change && forget.length === 0) return null;
    const batch = new FencedBatch(this.n.partitionLease(this.partition), this.owner);
    if (forget.length > 0) batch.add('HDEL', beatsKey, ...forget);
    const state = change ? ingestCauseState(change, prev, this.clock.now()) : null;
    if (state) {
      batch.add('HSET', causesKey(this.n.prefix), INGEST_CAUSE, JSON.stringify(state));
      batch.add('INCR', causesVersionKey(this.n.prefix));
    }
    await batch.exec(this.redis);
    return state;
  }
}

function parseBeat(json: string): IngestBeat | undefined {
  try {
    const b = JSON.parse(json) as Partial<IngestBeat>;
    return typeof b.at === 'number' &&
      typeof b.startedAt === 'number' &&
      (b.takingAt === null || typeof b.takingAt === 'number')
      ? { at: b.at, startedAt: b.startedAt, takingAt: b.takingAt }
      : undefined;
  } catch {
    return undefined;
  }
}
