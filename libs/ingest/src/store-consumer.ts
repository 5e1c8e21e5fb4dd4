import type Redis from 'ioredis';
import type { LiveRecord, Names, ReadingRecord } from '@lg/contracts';
import { decodeEntry, entryLines } from './log-entry';
import { setTimeout as sleep } from 'node:timers/promises';
import { batchSize, GroupConsumer, parseLiveEntry, trimConsumed, type StreamBatch } from '@lg/redis';

/** The part of the InfluxDB repository the store consumer needs. */
export interface LineSink {
  write(lines: string[]): Promise<unknown>;
}

export interface LineBuilders {
  /** Only for entries written before ingest built the lines itself (see log-entry.ts). */
  reading(record: ReadingRecord): string;
  transition(record: Extract<LiveRecord, { t: 'alert' }>): string;
}

export interface StoreConsumerOptions {
  consumer: string;
  batchEntries?: number;
  /** How long a pass waits for more entries once it has some, ms (default 20): bigger InfluxDB writes. */
  lingerMs?: number;
  /** Pending entries of a consumer silent this long are taken over (a dead ingest process). */
  claimIdleMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * Writes the reading log and the alert transitions to InfluxDB. An entry is acknowledged in its stream
 * only after InfluxDB accepted its points, so an InfluxDB outage leaves the entries in Redis, and a crash
 * leaves them pending for this consumer (or whoever claims them). Storage runs apart from rule evaluation:
 * a slow or stopped InfluxDB never holds back alerts.
 */
export class StoreConsumer extends GroupConsumer {
  constructor(
    blocking: Redis,
    redis: Redis,
    private readonly n: Names,
    private readonly sink: LineSink,
    private readonly lines: LineBuilders,
    private readonly o: StoreConsumerOptions,
  ) {
    // An entry holds up to 500 readings: 50 entries bound a pass's lines in memory.
    super(blocking, redis, {
      group: n.storeGroup,
      consumer: o.consumer,
      streams: [n.readings, n.live],
      batchEntries: o.batchEntries ?? 50,
      backoff: { minMs: 100, maxMs: 5000 },
      claim: { everyMs: 5000, idleMs: o.claimIdleMs ?? 60_000 },
      onError: o.onError,
    });
  }

  /** The reading log is trimmed once every consumer group has read it (after each claiming round). */
  protected override tidy(): Promise<void> {
    return trimConsumed(this.redis, this.n.readings);
  }

  /** Linger: InfluxDB and the HTTP round trip cost per request; a little waiting makes requests big. */
  protected override async gather(batch: StreamBatch): Promise<void> {
    const got = batchSize(batch);
    const linger = this.o.lingerMs ?? 20;
    if (got >= this.c.batchEntries || linger <= 0) return;
    await sleep(linger);
    await this.readMoreInto(batch, this.c.batchEntries - got);
  }

  protected handle(batch: StreamBatch): Promise<void> {
    return this.store(batch);
  }

  private async store(batch: StreamBatch): Promise<void> {
    const out: string[] = [];
    for (const [, fields] of batch.get(this.n.readings) ?? []) {
      const lines = entryLines(fields);
      if (lines) for (const line of lines) out.push(line);
      else
        for (const record of decodeEntry(fields)) if (record.t === 'r') out.push(this.lines.reading(record));
    }
    for (const [, fields] of batch.get(this.n.live) ?? []) {
      const record = parseLiveEntry(fields);
      if (record?.t === 'alert') out.push(this.lines.transition(record));
    }
    if (out.length > 0) await this.sink.write(out);
    for (const [stream, entries] of batch) {
      if (entries.length > 0) await this.redis.xack(stream, this.n.storeGroup, ...entries.map((e) => e[0]));
    }
  }
}
