import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { LiveRecord } from '@lg/contracts';
import { Leases } from '@lg/redis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayRedis } from '../infra/redis';

/**
 * How long the cursor outlives the last dispatcher. A gateway that takes over within this time goes on
 * from where the last one stopped; after a longer gap (every gateway down) it starts from the newest entry,
 * since no client was connected to be sent the older ones.
 */
export const CURSOR_TTL_MS = 60_000;

/**
 * Hands the live stream (alert transitions, device online/offline) to Socket.IO. With several gateways,
 * exactly one of them does it at a time — the holder of a lease — and broadcasts through the Redis streams
 * adapter, which delivers each event to the clients of every gateway once; if every gateway read the
 * stream, each event would reach each client once per gateway.
 *
 * The dispatcher keeps a cursor (the last entry handed on) in Redis, written on the adapter's own
 * connection after the broadcasts it covers: Redis applies commands of one connection in order, so a cursor
 * never runs ahead of a broadcast. When the lease moves (the dispatcher died or stopped), the next holder
 * goes on from the cursor: nothing is skipped; what the old one sent after its last cursor is sent again.
 */
@Injectable()
export class LiveStreamReader {
  private readonly logger = new Logger('live-stream');
  private readonly leases: Leases;
  private blocking: Redis | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  private holding = false;
  private renewedAt = 0;
  /** The ID of the last entry handed on; undefined until read from the cursor. */
  private lastId: string | undefined;

  constructor(
    private readonly redis: GatewayRedis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    const owner = `gateway-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.leases = new Leases(redis.commands, owner, config.LIVE_LEASE_MS);
  }

  /** Is this gateway the one dispatching the live stream? */
  get dispatching(): boolean {
    return this.holding;
  }

  /** True once this gateway dispatches and knows where to start (tests wait for it before writing). */
  get started(): boolean {
    return this.holding && this.lastId !== undefined;
  }

  /**
   * Starts competing for the dispatcher's lease. `onRecord` broadcasts one entry; `sink` is the connection
   * those broadcasts go out on (the cursor is written there after them).
   */
  start(onRecord: (record: LiveRecord) => void, sink: Redis): void {
    if (this.running) return;
    this.blocking = this.redis.openBlocking('live-stream');
    this.running = this.loop(this.blocking, sink, onRecord);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    // A blocked XREAD would hold quit() for the whole block time: drop the connection instead.
    this.blocking?.disconnect();
    await this.running;
    if (this.holding) {
      this.holding = false;
      // Hand over at once rather than after the lease's TTL.
      await this.leases.release(this.redis.names.liveDispatchLease).catch(() => undefined);
    }
  }

  private get step(): number {
    return Math.max(100, Math.floor(this.config.LIVE_LEASE_MS / 3));
  }

  /** Takes or renews the lease; false when another gateway holds it. */
  private async holdLease(sink: Redis): Promise<boolean> {
    const key = this.redis.names.liveDispatchLease;
    if (this.holding && Date.now() - this.renewedAt < this.step) return true;
    const held = this.holding ? await this.leases.renew(key) : await this.leases.acquire(key);
    if (held && !this.holding) this.logger.log('dispatching the live stream');
    if (!held && this.holding) this.logger.warn('lost the live stream lease to another gateway');
    if (!held) this.lastId = undefined;
    this.holding = held;
    if (held) {
      this.renewedAt = Date.now();
      // Keep the cursor alive while we hold the lease, even when nothing happens.
      if (this.lastId !== undefined) await this.writeCursor(sink);
    }
    return held;
  }

  private async writeCursor(sink: Redis): Promise<void> {
    await sink.set(this.redis.names.liveDispatchCursor, this.lastId!, 'PX', CURSOR_TTL_MS);
  }

  private async loop(client: Redis, sink: Redis, onRecord: (record: LiveRecord) => void): Promise<void> {
    const key = this.redis.names.live;
    const signal = this.stopping.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!(await this.holdLease(sink))) {
          await sleep(this.step, undefined, { signal }).catch(() => undefined);
          continue;
        }
        if (this.lastId === undefined) {
          const cursor = await this.redis.commands.get(this.redis.names.liveDispatchCursor);
          const newest = (await client.xrevrange(key, '+', '-', 'COUNT', 1))[0]?.[0] ?? '0-0';
          // A cursor ahead of the stream (the stream was lost or replaced) would skip what comes next.
          this.lastId = cursor && STREAM_ID.test(cursor) && compareIds(cursor, newest) <= 0 ? cursor : newest;
        }
        // Blocks for at most a third of the lease, so that the lease is renewed in time.
        const reply = await client.xread('COUNT', 500, 'BLOCK', this.step, 'STREAMS', key, this.lastId);
        failures = 0;
        // Still ours? (Free unless the lease is due for renewal, e.g. after a long pause.) If not, the new
        // holder hands these entries on from the cursor.
        if (!(await this.holdLease(sink))) continue;
        let handed = 0;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
            handed++;
            const record = parseEntry(fields);
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
        if (handed > 0) await this.writeCursor(sink);
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

const STREAM_ID = /^\d+-\d+$/;

/** Orders two stream entry IDs (`<ms>-<seq>`). */
export function compareIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  const ms = BigInt(am) - BigInt(bm);
  if (ms !== 0n) return ms < 0n ? -1 : 1;
  const seq = BigInt(as) - BigInt(bs);
  return seq === 0n ? 0 : seq < 0n ? -1 : 1;
}

function parseEntry(fields: string[]): LiveRecord | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] !== 'j') continue;
    try {
      const record = JSON.parse(fields[i + 1]) as LiveRecord;
      if (record?.t === 'alert' && record.alert?.id) return record;
      if (record?.t === 'device' && record.device?.id) return record;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
