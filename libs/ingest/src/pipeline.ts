import type { LogRecord } from '@lg/contracts';
import { parseDeviceTopic, parseStatus, parseTelemetry } from '@lg/contracts';
import type { Registry } from '@lg/registry';
import type { RejectionReporter } from './rejections';
import type { ReadingLog } from './reading-log';
import type { DriftDetector } from './drift';

export interface PipelineOptions {
  root: string;
  /** A reading later than now + this is stored as unqualified (`future_ts`). */
  futureToleranceMs: number;
  now?: () => number;
}

export interface PipelineCounters {
  accepted(kind: string, qualified: number, unqualified: number): void;
}

/**
 * One MQTT message in, durable records out: the topic is checked against the contract and the registry
 * (unknown device, device under a foreign owner), the payload parsed and validated, the good readings of
 * a batch kept and each bad one refused with its reason. Resolves once the records are in the reading
 * log, i.e. when the message may be acknowledged to the broker.
 */
export class IngestPipeline {
  private readonly now: () => number;

  constructor(
    private readonly o: PipelineOptions,
    private readonly registry: Registry,
    private readonly log: ReadingLog,
    private readonly rejections: RejectionReporter,
    private readonly counters: PipelineCounters,
    private readonly drift?: DriftDetector,
  ) {
    this.now = o.now ?? Date.now;
  }

  async handle(topic: string, payload: Buffer): Promise<void> {
    const rx = this.now();
    const parsed = parseDeviceTopic(this.o.root, topic);
    if (!parsed.ok) {
      // Our own rejection notices and anything off-contract under the root are not device input.
      if (!topic.startsWith(`${this.o.root}/_rejected/`)) {
        const parts = topic.split('/');
        this.rejections.report(
          { kind: parts.at(-4) ?? '_', owner: parts.at(-3) ?? '_', device: parts.at(-2) ?? '_', topic },
          'bad_topic',
          parsed.message,
          rx,
        );
      }
      return;
    }
    const { kind, owner, device: deviceId, channel } = parsed.topic;
    const where = { kind, owner, device: deviceId, topic };
    const device = this.registry.device(deviceId);
    if (!device) {
      this.rejections.report(where, 'unknown_device', `device ${deviceId} is not registered`, rx);
      return;
    }
    if (device.owner !== owner || device.kind !== kind) {
      this.rejections.report(
        where,
        'owner_mismatch',
        `device ${deviceId} is a ${device.kind} of ${device.owner}, not a ${kind} of ${owner}`,
        rx,
      );
      return;
    }
    if (channel === 'status') {
      const status = parseStatus(payload);
      if (!status.ok) {
        this.rejections.report(where, status.error.reason, status.error.message, rx);
        return;
      }
      await this.log.append([{ t: 's', kind, owner, device: deviceId, online: status.online, ts: rx, rx }]);
      return;
    }
    const result = parseTelemetry(kind, payload, { now: rx, futureToleranceMs: this.o.futureToleranceMs });
    for (const error of result.errors)
      this.rejections.report(where, error.reason, error.message, rx, error.index);
    if (result.readings.length === 0) return;
    // A backlog batch may come in any order; the rules want it in event time.
    const readings =
      result.readings.length > 1 ? [...result.readings].sort((a, b) => a.ts - b.ts) : result.readings;
    let bad = 0;
    const records: LogRecord[] = readings.map((r) => {
      if (r.bad.length > 0) {
        bad++;
        return { t: 'r', kind, owner, device: deviceId, ts: r.ts, rx, q: 'bad', why: r.bad, f: r.fields };
      }
      // Drift depends on the truck's previous fix, which a restarted ingest no longer has: a redelivered
      // reading could get another verdict. So drift is a reason in `why` but leaves the quality tag `q`
      // (stateless, always the same for the same reading) alone, and a reading stored twice lands once.
      // The rule engine keeps drifted fixes out of threshold rules all the same.
      const drifted =
        kind === 'truck' &&
        this.drift?.drifted(deviceId, r.ts, r.fields.lat as number, r.fields.lon as number);
      return drifted
        ? { t: 'r', kind, owner, device: deviceId, ts: r.ts, rx, q: 'ok', why: ['drift'], f: r.fields }
        : { t: 'r', kind, owner, device: deviceId, ts: r.ts, rx, q: 'ok', f: r.fields };
    });
    this.counters.accepted(kind, records.length - bad, bad);
    await this.log.append(records);
  }
}
