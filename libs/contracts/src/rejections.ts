/** Reason codes for refused input, as counted in metrics and published on `{root}/_rejected/...`. */
export const REJECT_REASONS = [
  'invalid_json',
  'too_large',
  'schema',
  /**
   * The device is not registered under the owner and kind of the topic. Also a device of another owner:
   * a refusal never tells which devices other tenants have.
   */
  'unknown_device',
  'batch_too_large',
  'bad_topic',
  /**
   * The device sent more than its rate limit at ingest (a token bucket per device, in readings), or its
   * owner more than the owner's (a token bucket per owner, in payload KiB, checked before parsing).
   */
  'rate_limited',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Body of a message on the `_rejected` topic. */
export interface Rejection {
  reason: RejectReason;
  message: string;
  /** Index of the refused reading inside a batch, when the payload was an array. */
  index?: number;
  topic: string;
  receivedAt: string;
  /** The refused reading's own `ts`, echoed as sent, so that a platform can match the refusal to it. */
  ts?: number | string;
  /** The MQTT 5 correlation data of the refused message, hex (at most 64 bytes of it). */
  correlationData?: string;
}

/** Limits of the telemetry payload (contract v1). */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
export const MAX_BATCH_READINGS = 1000;
