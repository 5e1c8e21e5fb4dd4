import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { parseDeviceTopic, type RejectReason } from '@lg/contracts';
import type { Principal } from '@lg/auth';
import { MessageIntake } from '@lg/ingest';
import { Registry } from '@lg/registry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** What ingest would make of a message, as `POST /api/messages/check` answers. */
export interface MessageVerdict {
  /** `accepted`: every reading stored; `partly`: some refused; `refused`: nothing stored. */
  verdict: 'accepted' | 'partly' | 'refused';
  /** The readings that would be stored: their time, quality and, when unqualified, why. */
  stored: Array<{ ts: string; quality: 'ok' | 'bad'; why?: string[] }>;
  refused: Array<{ reason: RejectReason; message: string; index?: number }>;
}

/**
 * "Try a message": ingest's own intake (the topic against the contract and the registry, the payload's
 * parsing and validation) run on a pasted topic and payload, with nothing stored, published or counted.
 * The per-device rate limit and the drift check depend on what a device sent before and are not applied.
 */
@Injectable()
export class MessageCheckService {
  private readonly intake: MessageIntake;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    registry: Registry,
  ) {
    this.intake = new MessageIntake(
      { root: config.MQTT_TOPIC_ROOT, futureToleranceMs: config.FUTURE_TOLERANCE_MS },
      registry,
    );
  }

  check(principal: Principal, topic: string, payload: string): MessageVerdict {
    if (principal.role === 'company') {
      const parsed = parseDeviceTopic(this.config.MQTT_TOPIC_ROOT, topic);
      // A company may try only its own topics: the broker would refuse it any other.
      if (parsed.ok && parsed.topic.owner !== principal.company)
        throw new ForbiddenException(`topic: a company tries only its own topics (${principal.company})`);
    }
    const { records, refused } = this.intake.take(topic, Buffer.from(payload, 'utf8'), Date.now());
    const stored = records.flatMap((r) =>
      r.t === 'r'
        ? [{ ts: new Date(r.ts).toISOString(), quality: r.q, ...(r.why ? { why: r.why } : {}) }]
        : [{ ts: new Date(r.ts).toISOString(), quality: 'ok' as const }],
    );
    return {
      verdict: refused.length === 0 ? 'accepted' : stored.length > 0 ? 'partly' : 'refused',
      stored,
      refused: refused.map((r) => ({
        reason: r.reason,
        message: r.message,
        ...(r.index !== undefined ? { index: r.index } : {}),
      })),
    };
  }
}
