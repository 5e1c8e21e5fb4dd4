import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import type { LiveRecord } from '@lg/contracts';
import { HeldLease } from './held-lease';
import { compareIds, isStreamId } from './streams';

/**
 * The live stream: every alert transition and device online/offline event, in the order the workers and
 * gateways committed them. Gateways hand it to Socket.IO; ingest's store consumer writes the transitions to
 * InfluxDB (`alert_event`). One field `j` holds the record as JSON; this module is the only place that
 * writes or reads that layout.
 */
export const LIVE_STREAM_MAXLEN = 200_000;

/** The XADD arguments that append a record to the live stream at `stream` (without the command name). */
export function liveAppendArgs(stream: string, record: LiveRecord): [string, ...string[]] {
  return [stream, 'MAXLEN', '~', String(LIVE_STREAM_MAXLEN), '*', 'j', JSON.stringify(record)];
}

/** The record of a live stream entry's fields, or undefined for an entry that is not one. */
export function parseLiveEntry(fields: readonly string[]): LiveRecord | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'j') continue;
    try {
      const record = JSON.parse(fields[i + 1]) as LiveRecord;
      if (record?.t === 'alert' && record.alert?.id) return record;
      if (record?.t === 'device' && record.device?.id) return record;
      if (record?.t === 'incident' && record.incident?.id) return record;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * How long the cursor outlives the last dispatcher. A gateway that takes over within this time goes on
 * from where the last one stopped; after a longer gap (every gateway down) it starts from the newest entry,
 * since no client was connected to be sent the older ones.
 */
export const CURSOR_TTL_MS = 60_000;

export interface LiveDispatcherLog {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LiveDispatcherKeys {
  stream: string;
  lease: string;
  cursor: string;
}

/**
 * Hands the live stream on, from exactly one process at a time: the holder of a lease. With several
 * gateways, each broadcasting through the Socket.IO Redis streams adapter, one reader is what delivers each
 * event to each client once.
 *
 * The dispatcher keeps a cursor (the last entry handed on) in Redis, written on the `sink` connection after
 * the broadcasts it covers: Redis applies commands of one connection in order, so a cursor never runs ahead
 * of a broadcast. When the lease moves (the dispatcher died or stopped), the next holder goes on from the
 * cursor: nothing is skipped; what the old one sent after its last cursor is sent again.
 */
export class LiveStreamDispatcher {
  private readonly lease: HeldLease;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  /** The ID of the last entry handed on; undefined until read from the cursor. */
  private lastId: string | undefined;
  private sink: Redis | undefined;
  /** A third of the lease: how often it is renewed, and how long a read blocks at most. */
  private readonly stepMs: number;

  constructor(
    private readonly commands: Redis,
    private readonly keys: LiveDispatcherKeys,
    owner: string,
    leaseTtlMs: number,
    private readonly logger: LiveDispatcherLog,
  ) {
    this.stepMs = Math.max(100, Math.floor(leaseTtlMs / 3));
    this.lease = new HeldLease(commands, keys.lease, owner, {
      ttlMs: leaseTtlMs,
      renewEveryMs: this.stepMs,
      onAcquired: () => this.logger.log('dispatching the live stream'),
      // Keep the cursor alive while we hold the lease, even when nothing happens.
      onRenewed: () => (this.lastId !== undefined ? this.writeCursor() : undefined),
      onLost: () => {
        this.logger.warn('lost the live stream lease to another process');
        this.lastId = undefined;
      },
    });
  }

  /** Is this process the one dispatching the live stream? */
  get dispatching(): boolean {
    return this.lease.held;
  }

  /** True once this process dispatches and knows where to start (tests wait for it before writing). */
  get started(): boolean {
    return this.lease.held && this.lastId !== undefined;
  }

  /**
   * Starts competing for the lease. `blocking` is a connection of its own for XREAD BLOCK; `onRecord`
   * hands one record on; `sink` is the connection those broadcasts go out on (the cursor follows them).
   */
  start(blocking: Redis, sink: Redis, onRecord: (record: LiveRecord) => void): void {
    if (this.running) return;
    this.sink = sink;
    this.running = this.loop(blocking, onRecord);
  }

  /** Stops; `blocking` must be disconnected by the caller first, or a blocked read holds this for its block. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    // Hand over at once rather than after the lease's TTL.
    await this.lease.release().catch(() => undefined);
  }

  private async writeCursor(): Promise<void> {
    await this.sink!.set(this.keys.cursor, this.lastId!, 'PX', CURSOR_TTL_MS);
  }

  private async loop(client: Redis, onRecord: (record: LiveRecord) => void): Promise<void> {
    const signal = this.stopping.signal;
    const step = this.stepMs;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!(await this.lease.hold())) {
          this.lastId = undefined;
          await sleep(step, undefined, { signal }).catch(() => undefined);
          continue;
        }
        if (this.lastId === undefined) {
          const cursor = await this.commands.get(this.keys.cursor);
          const newest = (await client.xrevrange(this.keys.stream, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
          // A cursor ahead of the stream (the stream was lost or replaced) would skip what comes next.
          this.lastId = cursor && isStreamId(cursor) && compareIds(cursor, newest) <= 0 ? cursor : newest;
        }
        // Blocks for at most a third of the lease, so that the lease is renewed in time.
        const reply = await client.xread(
          'COUNT',
          500,
          'BLOCK',
          step,
          'STREAMS',
          this.keys.stream,
          this.lastId,
        );
        failures = 0;
        // Still ours? (Free unless the lease is due for renewal, e.g. after a long pause.) If not, the new
        // holder hands these entries on from the cursor.
        if (!(await this.lease.hold())) continue;
        let handed = 0;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            handed++;
            const record = parseLiveEntry(fields);
            if (!record) {
              this.logger.warn(`skipped malformed live stream entry ${id}`);
              continue;
            }
            try {
              onRecord(record);
            } catch (err) {
              this.logger.error(`live record ${id} could not be sent: ${describe(err)}`);
            }
          }
        }
        if (handed > 0) await this.writeCursor();
      } catch (err) {
        if (signal.aborted) break;
        // Go on from the last cursor written: what was handed on after it may be sent twice, never lost.
        this.lastId = undefined;
        if (failures++ === 0) this.logger.warn(`reading the live stream failed, retrying: ${describe(err)}`);
        await sleep(Math.min(200 * failures, 2000), undefined, { signal }).catch(() => undefined);
      }
    }
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
