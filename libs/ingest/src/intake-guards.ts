import { z } from 'zod';
import { MAX_BATCH_READINGS } from '@lg/contracts';
import { env } from '@lg/config';
import { DEFAULT_DEVICE_RATE_LIMIT, DeviceRateLimiter } from './device-rate-limit';
import { DriftDetector } from './drift';
import type { IntakeGuards } from './intake';
import { OwnerRateLimiter } from './owner-rate-limit';

/**
 * The intake settings of every process that takes readings (ingest over MQTT, the JT/T 808 gateway over
 * TCP), as their validated configurations name them. A rate of 0 turns its limit off; a process without
 * owner connections (JT/T 808 terminals report one by one) has no owner limit.
 */
export interface IntakeGuardSettings {
  DRIFT_MAX_KMH: number;
  DRIFT_JUMP_M: number;
  DRIFT_JUMP_SEC: number;
  INGEST_DEVICE_RATE: number;
  INGEST_DEVICE_BURST: number;
  INGEST_OWNER_RATE?: number;
  INGEST_OWNER_BURST?: number;
}

/**
 * The variables of the validation every process that takes readings shares (ingest over MQTT, the JT/T 808
 * gateway over TCP), merged into each one's configuration schema: one definition, the same defaults.
 */
export const intakeSchema = z.object({
  /** GPS drift point rule: a truck fix implying more than this speed from the previous one, km/h… */
  DRIFT_MAX_KMH: env.int(160, 1),
  /** …or jumping more than this many metres in under DRIFT_JUMP_SEC seconds, is stored unqualified (`drift`). */
  DRIFT_JUMP_M: env.int(1000, 1),
  DRIFT_JUMP_SEC: env.int(10, 1),
  /** Readings later than now + this are stored unqualified (`future_ts`), ms. */
  FUTURE_TOLERANCE_MS: env.int(60_000, 0),
  /**
   * Per-device rate limit (token bucket, in readings): readings per second a device may keep up; 0 turns
   * the limit off. Beyond it a message is refused whole and reported as `rate_limited`.
   */
  INGEST_DEVICE_RATE: env.int(DEFAULT_DEVICE_RATE_LIMIT.ratePerSec, 0, 1_000_000),
  /** …and how many readings a quiet device may send at once (a backlog); at least one full batch. */
  INGEST_DEVICE_BURST: env.int(DEFAULT_DEVICE_RATE_LIMIT.burst, MAX_BATCH_READINGS, 100_000_000),
});

/** The guards of a `MessageIntake` from those settings: one definition for every process that takes readings. */
export function intakeGuards(c: IntakeGuardSettings): IntakeGuards {
  return {
    drift: new DriftDetector({ maxKmh: c.DRIFT_MAX_KMH, jumpM: c.DRIFT_JUMP_M, jumpSec: c.DRIFT_JUMP_SEC }),
    limiter:
      c.INGEST_DEVICE_RATE > 0
        ? new DeviceRateLimiter({ ratePerSec: c.INGEST_DEVICE_RATE, burst: c.INGEST_DEVICE_BURST })
        : undefined,
    owners:
      c.INGEST_OWNER_RATE !== undefined && c.INGEST_OWNER_RATE > 0 && c.INGEST_OWNER_BURST !== undefined
        ? new OwnerRateLimiter({ unitsPerSec: c.INGEST_OWNER_RATE, burst: c.INGEST_OWNER_BURST })
        : undefined,
  };
}
