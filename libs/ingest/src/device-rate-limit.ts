import { checkBucketLimits } from './token-bucket';

/** How much one device may send: a token bucket counted in readings. */
export interface DeviceRateLimit {
  /** Readings per second a device may keep up, indefinitely. */
  ratePerSec: number;
  /**
   * Size of the bucket, readings: what a device that was quiet may send at once (a backlog after an
   * outage). At least one full batch (1000 readings), or a full batch could never pass.
   */
  burst: number;
}

/**
 * Defaults: 100 readings/s is a hundred times the fastest legal reporting rate (a truck at 1 Hz), and a
 * bucket of 20,000 readings takes 20 full backlog batches, five and a half hours of a truck's 1 Hz track,
 * at once. Only a device that floods for minutes on end ever meets the limit.
 */
export const DEFAULT_DEVICE_RATE_LIMIT: DeviceRateLimit = { ratePerSec: 100, burst: 20_000 };

/** A gas detector over its limit passes its highest reading once per this interval, ms… */
export const ALARM_PASS_INTERVAL_MS = 1000;
/** …and any reading at least this much higher (% LEL) than those passed within it. */
export const ALARM_RISE_LEL = 1;

export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Per-device token bucket at ingest. Each device's bucket starts full, refills at `ratePerSec` up to
 * `burst`, and a message takes one token per reading. A message the bucket cannot pay for is refused whole
 * and takes nothing, so a device that slows down gets through again at once. Time is the receipt clock
 * (ms), never the device's event time; a clock that steps back refills nothing until it passes the last
 * time seen. One bucket per registered device (the registry is checked first), so memory is bounded.
 */
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Per device over its limit: when its current one-second window began, and the highest LEL passed in it. */
  private readonly alarms = new Map<string, { since: number; lel: number }>();

  constructor(readonly limit: DeviceRateLimit) {
    checkBucketLimits('ratePerSec', limit.ratePerSec, limit.burst);
  }

  /** Tokens the device has at `nowMs` (refilled, capped at the burst). */
  available(device: string, nowMs: number): number {
    return this.refill(device, nowMs).tokens;
  }

  /** Takes `cost` tokens if the device has them; otherwise says how long until it would, taking nothing. */
  take(device: string, cost: number, nowMs: number): RateDecision {
    const bucket = this.refill(device, nowMs);
    if (cost <= bucket.tokens) {
      bucket.tokens -= cost;
      return { ok: true };
    }
    if (cost > this.limit.burst) return { ok: false, retryAfterMs: Infinity };
    const rate = this.limit.ratePerSec;
    let wait = Math.ceil(((cost - bucket.tokens) / rate) * 1000);
    // The promise must hold in floating point too: the refill after `wait` ms is computed exactly so.
    while (bucket.tokens + (wait * rate) / 1000 < cost) wait++;
    return { ok: false, retryAfterMs: wait };
  }

  /**
   * Whether a gas detector over its limit may still pass the highest reading of a refused message: once a
   * second, and at once whenever it is at least ALARM_RISE_LEL above every reading passed within that
   * second. A rising concentration is never held back, and a flood gets at most about a hundred readings
   * a second through this way (LEL runs 0–100 %).
   */
  passAlarm(device: string, lel: number, nowMs: number): boolean {
    const window = this.alarms.get(device);
    if (!window || nowMs < window.since || nowMs - window.since >= ALARM_PASS_INTERVAL_MS) {
      this.alarms.set(device, { since: nowMs, lel });
      return true;
    }
    if (lel < window.lel + ALARM_RISE_LEL) return false;
    window.lel = lel;
    return true;
  }

  private refill(device: string, nowMs: number): { tokens: number; at: number } {
    let bucket = this.buckets.get(device);
    if (!bucket) {
      bucket = { tokens: this.limit.burst, at: nowMs };
      this.buckets.set(device, bucket);
      return bucket;
    }
    if (nowMs > bucket.at) {
      bucket.tokens = Math.min(
        this.limit.burst,
        bucket.tokens + ((nowMs - bucket.at) * this.limit.ratePerSec) / 1000,
      );
      bucket.at = nowMs;
    }
    return bucket;
  }
}
