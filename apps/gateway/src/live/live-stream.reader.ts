import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import type { LiveRecord } from '@lg/contracts';
import { GatewayRedis } from '../infra/redis';

/**
 * Follows the live stream (alert transitions, device online/offline) with XREAD BLOCK on a connection of
 * its own, from the stream's newest entry at start. Every gateway reads every entry: it is a fan-out, not
 * a work queue. After a Redis outage it goes on from the last entry it saw, so nothing still in the stream
 * is missed.
 */
@Injectable()
export class LiveStreamReader {
  private readonly logger = new Logger('live-stream');
  private client: Redis | undefined;
  private running: Promise<void> | undefined;
  private readonly stopping = new AbortController();
  /** The ID of the last entry handed on. */
  private lastId: string | undefined;

  constructor(private readonly redis: GatewayRedis) {}

  start(onRecord: (record: LiveRecord) => void): void {
    if (this.running) return;
    this.client = this.redis.openBlocking('live-stream');
    this.running = this.loop(this.client, onRecord);
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    // A blocked XREAD would hold quit() for the whole block time: drop the connection instead.
    this.client?.disconnect();
    await this.running;
  }

  /** Resolves once the reader has its starting point (tests wait for it before writing). */
  get started(): boolean {
    return this.lastId !== undefined;
  }

  private async loop(client: Redis, onRecord: (record: LiveRecord) => void): Promise<void> {
    const key = this.redis.names.live;
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        if (this.lastId === undefined) {
          const newest = await client.xrevrange(key, '+', '-', 'COUNT', 1);
          this.lastId = newest[0]?.[0] ?? '0-0';
        }
        const reply = await client.xread('COUNT', 500, 'BLOCK', 5000, 'STREAMS', key, this.lastId);
        failures = 0;
        for (const [, entries] of reply ?? []) {
          for (const [id, fields] of entries) {
            this.lastId = id;
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
      } catch (err) {
        if (this.stopping.signal.aborted) break;
        if (failures++ === 0) this.logger.warn(`reading the live stream failed, retrying: ${describe(err)}`);
        await sleep(Math.min(200 * failures, 2000), undefined, { signal: this.stopping.signal }).catch(
          () => undefined,
        );
      }
    }
  }
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
