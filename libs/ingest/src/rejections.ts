import type { RejectReason, Rejection } from '@lg/contracts';
import { rejectedTopic } from '@lg/contracts';

export interface RejectionSinks {
  publish(topic: string, body: string): void;
  count(reason: RejectReason, kind: string): void;
  log(message: string): void;
}

/**
 * Refused input: counted in metrics, republished with its reason on `{root}/_rejected/...`, and logged
 * once per device and reason within a window so that a misbehaving device cannot flood the log.
 */
export class RejectionReporter {
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly root: string,
    private readonly sinks: RejectionSinks,
    private readonly logWindowMs = 60_000,
  ) {}

  report(
    where: { kind: string; owner: string; device: string; topic: string },
    reason: RejectReason,
    message: string,
    nowMs: number,
    index?: number,
    echo: { ts?: number | string; correlationData?: string } = {},
  ): void {
    this.sinks.count(reason, where.kind);
    const body: Rejection = {
      reason,
      message,
      ...(index !== undefined ? { index } : {}),
      topic: where.topic,
      receivedAt: new Date(nowMs).toISOString(),
      ...echo,
    };
    this.sinks.publish(rejectedTopic(this.root, where.kind, where.owner, where.device), JSON.stringify(body));
    const key = `${where.device}|${reason}`;
    const last = this.lastLogged.get(key);
    if (last === undefined || nowMs - last >= this.logWindowMs) {
      this.lastLogged.set(key, nowMs);
      if (this.lastLogged.size > 100_000) this.lastLogged.clear();
      this.sinks.log(`rejected ${where.topic}: ${reason}: ${message}`);
    }
  }
}
