import { deviceTopic, MAX_BATCH_READINGS, type LogRecord } from '@lg/contracts';
import {
  readingQualities,
  type MessageIntake,
  type Refusal,
  type ReadingLog,
  type TruckPositions,
} from '@lg/ingest';
import type { Device } from '@lg/registry';
import type { TruckPayload } from '@lg/jt808';

export interface SinkCounters {
  accepted(qualified: number, unqualified: number): void;
  refused(refusal: Refusal): void;
}

export interface TakeResult {
  /** Readings now durable in the reading log. */
  stored: number;
  refused: Refusal[];
}

/**
 * A terminal's reports into the platform by the same path as MQTT telemetry: each is written as the
 * contract's JSON and taken by ingest's MessageIntake under the truck's own telemetry topic (registry,
 * rate limit, validation, drift, exactly as for MQTT), then appended to the group-committed reading log.
 * Resolves once the records are durable in Redis: only then may the terminal be told they were taken.
 */
export class Jt808ReadingSink {
  constructor(
    private readonly root: string,
    private readonly intake: MessageIntake,
    private readonly log: ReadingLog,
    private readonly counters: SinkCounters,
    private readonly positions?: TruckPositions,
  ) {}

  async readings(device: Device, payloads: readonly TruckPayload[], rx: number): Promise<TakeResult> {
    const topic = deviceTopic(this.root, {
      kind: 'truck',
      owner: device.owner,
      device: device.id,
      channel: 'telemetry',
    });
    const records: LogRecord[] = [];
    const refused: Refusal[] = [];
    for (let i = 0; i < payloads.length; i += MAX_BATCH_READINGS) {
      const chunk = payloads.slice(i, i + MAX_BATCH_READINGS);
      const body = chunk.length === 1 ? chunk[0] : chunk;
      const taken = this.intake.take(topic, Buffer.from(JSON.stringify(body)), rx);
      records.push(...taken.records);
      refused.push(...taken.refused);
    }
    return this.append(records, refused);
  }

  /** The terminal's presence, as a device's `status` message would give it. */
  async status(device: Device, online: boolean, rx: number): Promise<TakeResult> {
    const topic = deviceTopic(this.root, {
      kind: 'truck',
      owner: device.owner,
      device: device.id,
      channel: 'status',
    });
    const taken = this.intake.take(topic, Buffer.from(JSON.stringify({ online })), rx);
    return this.append(taken.records, taken.refused);
  }

  private async append(records: LogRecord[], refused: Refusal[]): Promise<TakeResult> {
    for (const r of refused) this.counters.refused(r);
    const { ok, bad } = readingQualities(records);
    if (records.length > 0) {
      await this.log.append(records);
      if (ok + bad > 0) this.counters.accepted(ok, bad);
      this.positions?.note(records);
    }
    return { stored: ok + bad, refused };
  }
}
