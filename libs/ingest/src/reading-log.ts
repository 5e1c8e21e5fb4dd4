import type Redis from 'ioredis';
import type { LogRecord, ReadingRecord } from '@lg/contracts';
import type { RedisConnections } from '@lg/redis';
import { encodeEntry, type EntryLayout } from './log-entry';

/**
 * The durable reading log: a Redis stream (AOF on) that ingest appends to before it acknowledges a
 * message to the broker. Appends are group-committed: every record handed in during one turn of the event
 * loop goes out in one XADD, and every caller is released when that XADD is acknowledged by Redis. A
 * failed flush is retried, with back-off, until Redis takes it: holding the acknowledgement back is what
 * keeps the broker from forgetting the message. Each entry is encoded once for both consumers
 * (see log-entry.ts).
 *
 * With `replicas` set, a group commit also waits (one WAIT on the same connection, after its XADDs) until
 * that many replicas hold it, at most `timeoutMs`: a reading is acknowledged only once it would survive a
 * failover to a replica. Short of the count the commit is written again, as if Redis had refused it; the
 * second copy is harmless (InfluxDB keeps one point per device and time, the rules skip a reading that is
 * not newer) and waiting only on the old connection could not prove anything after a failover.
 */
export class ReadingLog {
  private pending: LogRecord[] = [];
  private waiters: Array<() => void> = [];
  private scheduled = false;
  private inflight = 0;

  constructor(
    private readonly redis: Redis,
    private readonly stream: string,
    private readonly layout: EntryLayout,
    private readonly onRetry: (err: unknown, attempt: number) => void = () => undefined,
    /** Cap of records in one entry; a larger burst is split (and a reader's pass stays bounded). */
    private readonly maxPerEntry = 500,
    /** Replicas that must hold a commit before it counts, and how long to wait for them (ms). */
    private readonly replicas: { count: number; timeoutMs: number } = { count: 0, timeoutMs: 0 },
  ) {}

  /**
   * The reading log of a process that takes readings in (ingest, the JT/T 808 gateway), as both open it:
   * with `REDIS_MIN_REPLICAS`, on a connection of its own, because a group commit's WAIT for replicas holds
   * the connection it is sent on. Each failed append is counted (`retried`); the first and every 50th of a
   * run are said (`warn`), so that an outage does not flood the log.
   */
  static forIntake(
    connections: RedisConnections,
    commands: Redis,
    stream: string,
    c: { RULE_PARTITIONS: number; REDIS_MIN_REPLICAS: number; REDIS_REPLICA_TIMEOUT_MS: number },
    o: { line: (record: ReadingRecord) => string; retried: () => void; warn: (message: string) => void },
  ): ReadingLog {
    return new ReadingLog(
      c.REDIS_MIN_REPLICAS > 0 ? connections.open('reading-log') : commands,
      stream,
      { partitions: c.RULE_PARTITIONS, line: o.line },
      (err, attempt) => {
        o.retried();
        if (attempt === 1 || attempt % 50 === 0)
          o.warn(`reading log append failed (attempt ${attempt}): ${String(err)}`);
      },
      undefined,
      { count: c.REDIS_MIN_REPLICAS, timeoutMs: c.REDIS_REPLICA_TIMEOUT_MS },
    );
  }

  append(records: LogRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    for (const r of records) this.pending.push(r);
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** Appends in flight or waiting. */
  get backlog(): number {
    return this.pending.length + this.inflight;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const records = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.inflight += records.length;
    // Encoded once, outside the retries: only Redis failing is worth trying again.
    const entries = chunks(records, this.maxPerEntry).map((chunk) => encodeEntry(chunk, this.layout));
    for (let attempt = 0; ; attempt++) {
      try {
        const pipe = this.redis.pipeline();
        for (const fields of entries) pipe.xadd(this.stream, '*', ...fields);
        if (this.replicas.count > 0) pipe.wait(this.replicas.count, this.replicas.timeoutMs);
        const results = (await pipe.exec()) ?? [];
        const failed = results.find(([err]) => err);
        if (failed?.[0]) throw failed[0];
        if (this.replicas.count > 0) {
          const confirmed = Number(results[results.length - 1][1]);
          if (confirmed < this.replicas.count) throw new ReplicaShortfall(confirmed, this.replicas);
        }
        break;
      } catch (err) {
        this.onRetry(err, attempt + 1);
        await new Promise((r) => setTimeout(r, Math.min(2000, 20 * 2 ** attempt)));
      }
    }
    this.inflight -= records.length;
    for (const w of waiters) w();
  }
}

/** A group commit that fewer replicas than required confirmed in time: it is not acknowledged. */
export class ReplicaShortfall extends Error {
  constructor(confirmed: number, wanted: { count: number; timeoutMs: number }) {
    super(`${confirmed} of ${wanted.count} replica(s) confirmed the append within ${wanted.timeoutMs} ms`);
    this.name = 'ReplicaShortfall';
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  if (items.length <= size) return [items];
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
