import type { RejectReason, Rejection } from '@lg/contracts';
import { rejectedTopic, truncated } from '@lg/contracts';

export interface RejectionSinks {
  publish(topic: string, body: string): void;
  count(reason: RejectReason, kind: string): void;
  log(message: string): void;
}

/** Where a refusal came from, as the intake reports it: kind and owner are a kind and a registered owner, or `_`. */
export interface RejectionSource {
  kind: string;
  owner: string;
  device: string;
  topic: string;
}

/** Characters of a topic and of a message kept in a notice or a log line; the rest is cut and counted. */
export const REJECTION_TOPIC_CHARS = 200;
export const REJECTION_MESSAGE_CHARS = 300;

export interface RejectionReporterOptions {
  /** One log line per owner and reason within this window, ms (default a minute). */
  logWindowMs?: number;
  /**
   * Owner and reason pairs tracked at once (default 10,000). The intake reports only registered owners, so
   * this is a second line of defence: beyond it every window is flushed and tracking starts over.
   */
  maxWindows?: number;
}

/**
 * Refused input: counted in metrics, republished with its reason on `{root}/_rejected/...`, and logged at
 * most once per owner and reason a minute, so that no client can flood the log. The log line of the next
 * window (or `flush`, once a window ended quietly) says how many were not logged meanwhile. Topics and
 * messages are cut to a bounded length everywhere they go: they may come from a client.
 *
 * Every refusal of ingest passes through `report` (called by IngestPipeline.handle): the one place to hook
 * anything else that wants to see rejections.
 */
export class RejectionReporter {
  /** Per `owner|reason`: when its log window began and how many were not logged since. */
  private readonly windows = new Map<string, { since: number; suppressed: number }>();
  private readonly logWindowMs: number;
  private readonly maxWindows: number;

  constructor(
    private readonly root: string,
    private readonly sinks: RejectionSinks,
    o: RejectionReporterOptions = {},
  ) {
    this.logWindowMs = o.logWindowMs ?? 60_000;
    this.maxWindows = o.maxWindows ?? 10_000;
  }

  report(
    where: RejectionSource,
    reason: RejectReason,
    message: string,
    nowMs: number,
    index?: number,
    echo: { ts?: number | string; correlationData?: string } = {},
  ): void {
    this.sinks.count(reason, where.kind);
    const topic = truncated(where.topic, REJECTION_TOPIC_CHARS);
    const text = truncated(message, REJECTION_MESSAGE_CHARS);
    const body: Rejection = {
      reason,
      message: text,
      ...(index !== undefined ? { index } : {}),
      topic,
      receivedAt: new Date(nowMs).toISOString(),
      ...echo,
    };
    this.sinks.publish(rejectedTopic(this.root, where.kind, where.owner, where.device), JSON.stringify(body));

    const key = `${where.owner}|${reason}`;
    const window = this.windows.get(key);
    if (window && nowMs >= window.since && nowMs - window.since < this.logWindowMs) {
      window.suppressed++;
      return;
    }
    if (!window && this.windows.size >= this.maxWindows) this.flush(Infinity);
    this.windows.set(key, { since: nowMs, suppressed: 0 });
    const more = window && window.suppressed > 0 ? `; ${notLogged(window, where.owner, reason)}` : '';
    this.sinks.log(`rejected ${topic} (owner ${where.owner}): ${reason}: ${text}${more}`);
  }

  /**
   * Logs the count of what was not logged in every window that has ended by `nowMs`, and forgets those
   * windows. Call it now and then (ingest: once a window), so that a flood that stopped is still counted.
   */
  flush(nowMs: number): void {
    for (const [key, window] of this.windows) {
      if (nowMs - window.since < this.logWindowMs && nowMs >= window.since) continue;
      this.windows.delete(key);
      if (window.suppressed === 0) continue;
      const [owner, reason] = key.split('|');
      this.sinks.log(`rejections: ${notLogged(window, owner, reason)}`);
    }
  }

  /** Owner and reason pairs in a log window now (for tests and metrics). */
  get tracked(): number {
    return this.windows.size;
  }
}

function notLogged(window: { since: number; suppressed: number }, owner: string, reason: string): string {
  return `${window.suppressed} more ${reason} of owner ${owner} not logged since ${new Date(window.since).toISOString()}`;
}
