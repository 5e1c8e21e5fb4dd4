import type Redis from 'ioredis';
import type { LogRecord, Position, ReadingRecord } from '@lg/contracts';

/**
 * The newest qualified fix of each truck this ingest process took, handed out once a second for the
 * dashboards' map (every ingest process publishes its own; the gateways merge them by truck, newest fix
 * winning). Only a reference to the record is kept per truck; the Position is built when it is handed out.
 */
export class TruckPositions {
  private latest = new Map<string, ReadingRecord>();
  private timer: NodeJS.Timeout | undefined;

  note(records: readonly LogRecord[]): void {
    for (const r of records) {
      if (r.t !== 'r' || r.kind !== 'truck' || r.q !== 'ok') continue;
      const prev = this.latest.get(r.device);
      if (!prev || prev.ts <= r.ts) this.latest.set(r.device, r);
    }
  }

  /**
   * Publishes the fixes noted since the last call on the gateways' positions channel (nothing when there
   * are none). Called once a second by every process that takes truck fixes in (ingest, JT/T 808).
   */
  async publish(redis: Redis, channel: string): Promise<void> {
    const batch = this.take();
    if (batch.length > 0) await redis.publish(channel, JSON.stringify(batch));
  }

  /** Publishes every `everyMs` until `stopPublishing()`; a failed round is reported and the next goes on. */
  startPublishing(redis: Redis, channel: string, onError: (err: unknown) => void, everyMs = 1000): void {
    this.timer = setInterval(() => void this.publish(redis, channel).catch(onError), everyMs);
  }

  stopPublishing(): void {
    clearInterval(this.timer);
  }

  /** The fixes noted since the last call. */
  take(): Position[] {
    if (this.latest.size === 0) return [];
    const out: Position[] = [];
    for (const r of this.latest.values()) {
      out.push({
        id: r.device,
        owner: r.owner,
        lat: r.f.lat as number,
        lon: r.f.lon as number,
        speed: r.f.speed as number,
        heading: typeof r.f.heading === 'number' ? r.f.heading : null,
        ts: new Date(r.ts).toISOString(),
      });
    }
    this.latest = new Map();
    return out;
  }
}
