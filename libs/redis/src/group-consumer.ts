import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import { claimIdle, ensureGroup, readGroup, type StreamEntry } from './streams';

/** Entries read in one pass, by stream. */
export type StreamBatch = Map<string, StreamEntry[]>;

export interface GroupConsumerOptions {
  group: string;
  /** This process's consumer name in the group: a stable one finds its own pending entries after a crash. */
  consumer: string;
  streams: string[];
  /** Entries read at a time, per stream. */
  batchEntries: number;
  /** How long a read waits for new entries, ms (default 1000). */
  blockMs?: number;
  /** Pause after a failed pass, doubling from `minMs` up to `maxMs`. */
  backoff: { minMs: number; maxMs: number };
  /** How long to wait before asking `ready()` again when it said no, ms (default 500). */
  idleMs?: number;
  /**
   * Taking over what dead consumers left: every `everyMs`, the entries pending for longer than `idleMs`
   * (with any consumer of the group) become this consumer's, and go first on the next pass. Without it,
   * nothing is claimed (or the subclass claims in its own way).
   */
  claim?: { everyMs: number; idleMs: number };
  onError?: (err: unknown) => void;
}

export function batchSize(batch: StreamBatch): number {
  let n = 0;
  for (const entries of batch.values()) n += entries.length;
  return n;
}

/**
 * A consumer of a Redis stream group, the loop every consumer of ours runs: its own pending entries first
 * (left by a crash of this consumer, or claimed from a dead one), then new entries with a blocking read,
 * a chance to gather more before handling them (`gather`), and a doubling back-off after an error, after
 * which the pending entries go first again. An entry is acknowledged by `handle` once its work is done, so
 * a crash between reading and acknowledging leaves it pending, never lost.
 */
export abstract class GroupConsumer {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private checkPending = true;
  private maintenance: NodeJS.Timeout | undefined;

  protected constructor(
    /** The connection that blocks in XREADGROUP; nothing else may wait behind it. */
    protected readonly blocking: Redis,
    protected readonly redis: Redis,
    protected readonly c: GroupConsumerOptions,
  ) {}

  async start(): Promise<void> {
    for (const stream of this.c.streams) await ensureGroup(this.redis, stream, this.c.group);
    this.loop = this.run();
    const claim = this.c.claim;
    if (claim) this.maintenance = setInterval(() => void this.maintain(claim.idleMs), claim.everyMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.maintenance);
    this.stopped = true;
    await this.loop;
  }

  protected get stopping(): boolean {
    return this.stopped;
  }

  /** Our own pending entries go first on the next pass (after claiming a dead consumer's, say). */
  protected pendingFirst(): void {
    this.checkPending = true;
  }

  /** May this process consume now? A consumer that must be the only one asks its lease here. */
  protected ready(): Promise<boolean> {
    return Promise.resolve(true);
  }

  /** After new entries came, before they are handled: gather more into `batch` (a linger). */
  protected gather(_batch: StreamBatch): Promise<void> {
    return Promise.resolve();
  }

  /** Does the work of a batch and acknowledges its entries. */
  protected abstract handle(batch: StreamBatch): Promise<void>;

  /** New entries without waiting for them (for `gather`). */
  protected readMore(count: number): Promise<StreamBatch> {
    return this.read(this.redis, '>', count, null);
  }

  /** Up to `count` new entries without waiting for them, added to `batch` after what it holds. */
  protected async readMoreInto(batch: StreamBatch, count: number): Promise<void> {
    const more = await this.readMore(count);
    for (const [stream, entries] of more) batch.set(stream, [...(batch.get(stream) ?? []), ...entries]);
  }

  /** Upkeep after each round of claiming (with `claim`): trimming what the group consumed, say. */
  protected tidy(): Promise<void> {
    return Promise.resolve();
  }

  /** One round of `claim`: errors go to `onError`, and the next round tries again. */
  private async maintain(idleMs: number): Promise<void> {
    try {
      for (const stream of this.c.streams) {
        const claimed = await claimIdle(this.redis, stream, this.c.group, this.c.consumer, idleMs);
        if (claimed > 0) this.pendingFirst();
      }
      await this.tidy();
    } catch (err) {
      this.c.onError?.(err);
    }
  }

  private read(redis: Redis, id: '0' | '>', count: number, blockMs: number | null): Promise<StreamBatch> {
    return readGroup(
      redis,
      this.c.group,
      this.c.consumer,
      this.c.streams,
      this.c.streams.map(() => id),
      count,
      blockMs,
    );
  }

  private async run(): Promise<void> {
    let backoff = this.c.backoff.minMs;
    while (!this.stopped) {
      try {
        if (!(await this.ready())) {
          await sleep(this.c.idleMs ?? 500);
          continue;
        }
        let batch: StreamBatch | undefined;
        if (this.checkPending) {
          batch = await this.read(this.redis, '0', this.c.batchEntries, null);
          if (batchSize(batch) === 0) this.checkPending = false;
        }
        if (!this.checkPending) {
          batch = await this.read(this.blocking, '>', this.c.batchEntries, this.c.blockMs ?? 1000);
          if (batchSize(batch) > 0) await this.gather(batch);
        }
        if (batch && batchSize(batch) > 0) await this.handle(batch);
        backoff = this.c.backoff.minMs;
      } catch (err) {
        this.checkPending = true;
        if (this.stopped) break;
        this.c.onError?.(err);
        await sleep(backoff);
        backoff = Math.min(this.c.backoff.maxMs, backoff * 2);
      }
    }
  }
}
