import { distanceM as haversineM, type TrackGap } from '@lg/contracts';
import type { DriftRules, TrackRules } from './settings';

/** Great-circle distance between two WGS-84 points, metres (the platform's one distance). */
export { distanceM as haversineM } from '@lg/contracts';

/** A qualified fix: event time (epoch ms), WGS-84 degrees, reported speed (km/h). */
export interface Fix {
  ts: number;
  lat: number;
  lon: number;
  speed: number;
}

/** A segment that broke the track (defined with the API's views: the dashboard reads it too). */
export type { TrackGap } from '@lg/contracts';

/** A fix that drifted from the previous one: the segment is left out of the mileage. */
export interface DriftFix {
  ts: number;
  lat: number;
  lon: number;
  /** The previous fix. */
  prevTs: number;
  prevLat: number;
  prevLon: number;
  distanceM: number;
  seconds: number;
  /** Speed implied by distance over time, km/h (Infinity written as null for two fixes at one time). */
  impliedKmh: number | null;
  /** `speed`: implied speed over `maxSpeedKmh`; `jump`: more than `jumpM` in under `jumpSec`. */
  reason: 'speed' | 'jump';
}

export interface TrackAnalysis {
  fixes: number;
  /** Mileage of every plausible segment (drifted ones left out), metres. */
  mileageM: number;
  /** Mileage of the segments that did not break the track, metres. */
  completeM: number;
  gaps: TrackGap[];
  drifts: DriftFix[];
}

/**
 * Track completeness and drift of one truck's qualified fixes (any order; sorted here by time).
 *
 * Each fix is compared with the previous one (the point rule of domain.md): it drifted when the implied
 * speed exceeds `maxSpeedKmh` or it jumped more than `jumpM` in under `jumpSec`. A drifted segment is not
 * travel, so it counts neither in the mileage nor as a gap. Every other segment adds its haversine length to
 * the mileage; it is incomplete (a gap) when longer than `gapDistanceM`, or longer than `gapTimeSec` while
 * the truck was moving (either fix reports at least `movingSpeedKmh`, or the segment covers at least
 * `movingDistanceM`): a parked truck that reports rarely breaks nothing.
 */
export function analyseTrack(fixes: readonly Fix[], track: TrackRules, drift: DriftRules): TrackAnalysis {
  const sorted = [...fixes].sort((a, b) => a.ts - b.ts);
  const out: TrackAnalysis = { fixes: sorted.length, mileageM: 0, completeM: 0, gaps: [], drifts: [] };
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    const fix = sorted[i];
    const distanceM = haversineM(prev.lat, prev.lon, fix.lat, fix.lon);
    const seconds = (fix.ts - prev.ts) / 1000;
    if (seconds <= 0 && distanceM === 0) continue; // the same fix twice
    const impliedKmh = seconds > 0 ? (distanceM / seconds) * 3.6 : Infinity;
    const jumped = distanceM > drift.jumpM && seconds < drift.jumpSec;
    if (impliedKmh > drift.maxSpeedKmh || jumped) {
      out.drifts.push({
        ts: fix.ts,
        lat: fix.lat,
        lon: fix.lon,
        prevTs: prev.ts,
        prevLat: prev.lat,
        prevLon: prev.lon,
        distanceM,
        seconds,
        impliedKmh: Number.isFinite(impliedKmh) ? impliedKmh : null,
        reason: impliedKmh > drift.maxSpeedKmh ? 'speed' : 'jump',
      });
      continue;
    }
    out.mileageM += distanceM;
    const moving =
      Math.max(prev.speed, fix.speed) >= track.movingSpeedKmh || distanceM >= track.movingDistanceM;
    const reason: TrackGap['reason'] | undefined =
      distanceM > track.gapDistanceM ? 'distance' : seconds > track.gapTimeSec && moving ? 'time' : undefined;
    if (reason === undefined) {
      out.completeM += distanceM;
      continue;
    }
    out.gaps.push({
      from: prev.ts,
      to: fix.ts,
      fromLat: prev.lat,
      fromLon: prev.lon,
      toLat: fix.lat,
      toLon: fix.lon,
      distanceM,
      seconds,
      reason,
    });
  }
  return out;
}
