import { isObject } from './json-object';
import { REJECT_REASONS, type RejectReason } from './rejections';

/**
 * A refused message as the platform keeps it for its owner (the integration console, `GET /api/rejections`,
 * the `/live` event `rejection`). Everything in it is bounded: the payload only as a short excerpt.
 */
export interface RejectionRecord {
  /** Entry ID in the owner's history (`<ms>-<seq>`): stable, ordered by time of receipt. */
  id: string;
  owner: string;
  device: string;
  kind: string;
  reason: RejectReason;
  /** The reason in words, at most `REJECTION_TEXT_MAX` characters. */
  message: string;
  /** The topic it came on, at most `REJECTION_TOPIC_MAX` characters. */
  topic: string;
  /** When ingest received it, ISO-8601 UTC. */
  receivedAt: string;
  /** Index of the refused reading in a batch. */
  index?: number;
  /** The refused reading's own `ts`, echoed as sent (a number, or a string of at most 40 characters). */
  ts?: number | string;
  /** The MQTT 5 correlation data of the message, hex, at most 64 bytes of it. */
  correlationData?: string;
  /** The start of the payload as text, control characters escaped, at most `REJECTION_EXCERPT_MAX` characters. */
  excerpt: string;
  /** Size of the whole payload, bytes. */
  bytes: number;
}

/** Whether an item of a live rejections batch is a refusal record (the fields the console sorts and shows by). */
export function isRejectionRecord(v: unknown): v is RejectionRecord {
  return (
    isObject(v) &&
    typeof v.id === 'string' &&
    typeof v.owner === 'string' &&
    typeof v.device === 'string' &&
    typeof v.reason === 'string' &&
    (REJECT_REASONS as readonly string[]).includes(v.reason) &&
    typeof v.receivedAt === 'string'
  );
}

/** How much of a refused payload, reason text and topic is kept. */
export const REJECTION_EXCERPT_MAX = 200;
export const REJECTION_TEXT_MAX = 300;
export const REJECTION_TOPIC_MAX = 160;

/** An owner's history keeps a week or this many refusals, whichever comes first. */
export const REJECTION_HISTORY_MAX_AGE_MS = 7 * 24 * 3600_000;
export const REJECTION_HISTORY_MAX_COUNT = 10_000;

/** Redis stream of one owner's refused messages (capped by count and age). */
export function rejectionHistoryKey(prefix: string, owner: string): string {
  return `${prefix}:rejections:${owner}`;
}

/** Pub/sub channel on which ingest announces refusals as it keeps them (JSON arrays of records). */
export function rejectionChannel(prefix: string): string {
  return `${prefix}:rejections:live`;
}
