import type Redis from 'ioredis';
import type { LiveRecord, Names, ReadingRecord } from '@lg/contracts';
import { decodeEntry, entryLines } from './log-entry';
import { claimIdle, ensureGroup, readGroup, trimConsumed, type StreamEntry } from './streams';

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
export class StoreConsumer {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private maintenance: NodeJS.Timeout | undefined;
  private checkPending = true;

  constructor(
    private readonly blocking: Redis,
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly sink: LineSink,
    private readonly lines: LineBuilders,
    private readonly o: StoreConsumerOptions,
  ) {}

  async start(): Promise<void> {
    await ensureGroup(this.redis, this.n.readings, this.n.storeGroup);
    await ensureGroup(this.redis, this.n.live, this.n.storeGroup);
    this.maintenance = setInterval(() => void this.maintain(), 5000);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.maintenance);
    await this.loop;
  }

  private async maintain(): Promise<void> {
    try {
      for (const stream of [this.n.readings, this.n.live]) {
        const claimed = await claimIdle(
          this.redis,
          stream,
          this.n.storeGroup,
          this.o.consumer,
          this.o.claimIdleMs ?? 60_000,
        );
        if (claimed > 0) this.checkPending = true;
      }
      await trimConsumed(this.redis, this.n.readings);
    } catch (err) {
      this.o.onError?.(err);
    }
  }

  private async run(): Promise<void> {
    const streams = [this.n.readings, this.n.live];
    // An entry holds up to 500 readings: 50 entries bound a pass's lines in memory.
    const count = this.o.batchEntries ?? 50;
    let backoff = 100;
    while (!this.stopped) {
      try {
        let batch: Map<string, StreamEntry[]>;
        if (this.checkPending) {
          batch = await readGroup(
            this.redis,
            this.n.storeGroup,
            this.o.consumer,
            streams,
            ['0', '0'],
            count,
            null,
          );
          if ([...batch.values()].every((e) => e.length === 0)) {
            this.checkPending = false;
            continue;
          }
        } else {
          batch = await readGroup(
            this.blocking,
            this.n.storeGroup,
            this.o.consumer,
            streams,
            ['>', '>'],
            count,
            1000,
          );
          // Linger: InfluxDB and the HTTP round trip cost per request; a little waiting makes requests big.
          const got = [...batch.values()].reduce((n, e) => n + e.length, 0);
          const linger = this.o.lingerMs ?? 20;
          if (got > 0 && got < count && linger > 0) {
            await new Promise((r) => setTimeout(r, linger));
            const more = await readGroup(
              this.redis,
              this.n.storeGroup,
              this.o.consumer,
              streams,
              ['>', '>'],
              count - got,
              null,
            );
            for (const [stream, entries] of more)
              batch.set(stream, [...(batch.get(stream) ?? []), ...entries]);
          }
        }
        await this.store(batch);
        backoff = 100;
      } catch (err) {
        this.checkPending = true;
        if (this.stopped) break;
        this.o.onError?.(err);
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(5000, backoff * 2);
      }
    }
  }

  private async store(batch: Map<string, StreamEntry[]>): Promise<void> {
    const out: string[] = [];
    for (const [, fields] of batch.get(this.n.readings) ?? []) {
      const lines = entryLines(fields);
      if (lines) for (const line of lines) out.push(line);
      else
        for (const record of decodeEntry(fields)) if (record.t === 'r') out.push(this.lines.reading(record));
    }
    for (const [, fields] of batch.get(this.n.live) ?? []) {
      const j = fields[fields.indexOf('j') + 1];
      const record = j ? (JSON.parse(j) as LiveRecord) : undefined;
      if (record?.t === 'alert') out.push(this.lines.transition(record));
    }
    if (out.length > 0) await this.sink.write(out);
    for (const [stream, entries] of batch) {
      if (entries.length > 0) await this.redis.xack(stream, this.n.storeGroup, ...entries.map((e) => e[0]));
    }
  }
}
