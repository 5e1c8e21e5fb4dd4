import type { LogRecord } from '@lg/contracts';
import type { MessageIntake } from './intake';
import type { RejectionReporter } from './rejections';
import type { ReadingLog } from './reading-log';
import type { TruckPositions } from './positions';
import { MessageEcho, type RejectionLog } from './rejection-log';

const TELEMETRY = '/telemetry';

export interface PipelineCounters {
  accepted(kind: string, qualified: number, unqualified: number): void;
}

/** Removes the broker's retained copy of a topic (publishes an empty retained message to it). */
export type ClearRetained = (topic: string) => void;

/**
 * One MQTT message in, durable records out: the intake decides what the message becomes (records, and
 * refusals with their reasons), refusals are reported (metrics, log, `{root}/_rejected/...`), and the
 * records appended to the reading log. Resolves once they are in the log, i.e. when the message may be
 * acknowledged to the broker: a refused reading is reported before that, never silently dropped.
 */
export class IngestPipeline {
  constructor(
    private readonly intake: MessageIntake,
    private readonly log: ReadingLog,
    private readonly rejections: RejectionReporter,
    private readonly counters: PipelineCounters,
    private readonly positions: TruckPositions | undefined = undefined,
    private readonly now: () => number = Date.now,
    private readonly clearRetained: ClearRetained | undefined = undefined,
    /** Keeps refusals per owner for the integration console (optional). */
    private readonly history: RejectionLog | undefined = undefined,
  ) {}

  /**
   * `retained`: the publisher set the retain flag (ingest subscribes with Retain As Published). On a
   * telemetry topic the flag is ignored: the reading is taken like any other, and the broker's retained
   * copy is removed so that it holds nothing per topic for anyone. An empty retained message there is such
   * a removal (ours or the device's), not a reading. `correlationData` is echoed in a refusal's notice.
   */
  async handle(topic: string, payload: Buffer, retained = false, correlationData?: Buffer): Promise<void> {
    if (retained && topic.endsWith(TELEMETRY) && topic.length <= this.intake.maxTopicLength) {
      if (payload.length === 0) return;
      this.clearRetained?.(topic);
    }
    const rx = this.now();
    const { records, refused } = this.intake.take(topic, payload, rx);
    if (refused.length > 0) {
      const echo = new MessageEcho(payload, correlationData);
      for (const r of refused) {
        const e = echo.of(r);
        this.rejections.report(r.where, r.reason, r.message, rx, r.index, e);
        this.history?.note(r, payload, rx, e);
      }
    }
    if (records.length === 0) return;
    const { ok, bad } = readingQualities(records);
    if (ok + bad > 0) this.counters.accepted(records[0].kind, ok, bad);
    await this.log.append(records);
    // Shown on the map only once durable, like everything else.
    this.positions?.note(records);
  }
}

/** How many of `records` are readings stored qualified (`ok`) and unqualified (`bad`); status records are neither. */
export function readingQualities(records: readonly LogRecord[]): { ok: number; bad: number } {
  let ok = 0;
  let bad = 0;
  for (const r of records) {
    if (r.t !== 'r') continue;
    if (r.q === 'bad') bad++;
    else ok++;
  }
  return { ok, bad };
}
