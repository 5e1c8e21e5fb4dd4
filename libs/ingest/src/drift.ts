import { distanceM } from '@lg/contracts';

/** The point rule for GPS drift (domain facts; configurable). */
export interface DriftRule {
  /** A fix whose implied speed from the previous fix exceeds this is drift, km/h. */
  maxKmh: number;
  /** …or whose jump exceeds this many metres… */
  jumpM: number;
  /** …in under this many seconds. */
  jumpSec: number;
}

export const DEFAULT_DRIFT_RULE: DriftRule = { maxKmh: 160, jumpM: 1000, jumpSec: 10 };

/**
 * Marks drifted truck fixes as they arrive, by the domain's point rule: a fix is compared with the
 * truck's previous fix, so a jump away and the jump back both count. Keeps one fix per truck in memory;
 * ingest subscribes per owner, so a truck is always seen by the same process (after a restart the first
 * fix has nothing to compare with and passes).
 */
export class DriftDetector {
  private readonly last = new Map<string, { ts: number; lat: number; lon: number }>();

  constructor(private readonly rule: DriftRule = DEFAULT_DRIFT_RULE) {}

  /** True when this fix drifted from the truck's previous one. Call in event-time order. */
  drifted(device: string, ts: number, lat: number, lon: number): boolean {
    const prev = this.last.get(device);
    if (prev && ts <= prev.ts) return false; // late or repeated: nothing to compare in order
    if (prev) {
      const metres = distanceM(prev.lat, prev.lon, lat, lon);
      const seconds = (ts - prev.ts) / 1000;
      const kmh = (metres / seconds) * 3.6;
      this.last.set(device, { ts, lat, lon });
      return kmh > this.rule.maxKmh || (metres > this.rule.jumpM && seconds < this.rule.jumpSec);
    }
    this.last.set(device, { ts, lat, lon });
    return false;
  }
}
