import { DeviceRateLimiter } from './device-rate-limit';
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
