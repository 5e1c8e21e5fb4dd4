import { checkBucketLimits } from './token-bucket';

/** How much one owner (a company platform, a site or network gateway) may hand ingest before parsing. */
export interface OwnerRateLimit {
  /** Units per second an owner may keep up: one per message plus one per full KiB of its payload. */
  unitsPerSec: number;
  /** Size of the bucket, units: what an owner that was quiet may send at once (a replay after an outage). */
  burst: number;
}

/**
 * Defaults: 10,000 units/s is half of what one ingest process takes at all (about 20,000 small readings/s)
 * and several times a large owner's legal traffic (2,000 devices each reporting every 10 s in single
 * messages is 200/s). The burst of 600,000 is a minute at that rate: the backlog a 100-truck company's
 * platform sends after an hour offline is a few thousand messages.
 */
export const DEFAULT_OWNER_RATE_LIMIT: OwnerRateLimit = { unitsPerSec: 10_000, burst: 600_000 };

/** What a message costs an owner: one unit, and one more per full KiB of payload (parsing is per byte). */
export function ownerCost(payloadBytes: number): number {
  return 1 + (payloadBytes >>> 10);
}

/**
 * A token bucket per owner, checked before a payload is even parsed, so that one owner's flood costs
 * ingest little and leaves its time to the others. Keys are registered owners only (the caller checks the
 * registry first), so the map is bounded by the registry. A refused message takes nothing; time is the
 * receipt clock in ms.
 */
export class OwnerRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly limit: OwnerRateLimit) {
    checkBucketLimits('unitsPerSec', limit.unitsPerSec, limit.burst);
  }

  /** Takes the message's cost if the owner has it; otherwise returns ms until it would (Infinity: never). */
  take(owner: string, payloadBytes: number, nowMs: number): number {
    const cost = ownerCost(payloadBytes);
    let bucket = this.buckets.get(owner);
    if (!bucket) {
      bucket = { tokens: this.limit.burst, at: nowMs };
      this.buckets.set(owner, bucket);
    } else if (nowMs > bucket.at) {
      bucket.tokens = Math.min(
        this.limit.burst,
        bucket.tokens + ((nowMs - bucket.at) * this.limit.unitsPerSec) / 1000,
      );
      bucket.at = nowMs;
    }
    if (cost <= bucket.tokens) {
      bucket.tokens -= cost;
      return 0;
    }
    if (cost > this.limit.burst) return Infinity;
    return Math.max(1, Math.ceil(((cost - bucket.tokens) / this.limit.unitsPerSec) * 1000));
  }
}
