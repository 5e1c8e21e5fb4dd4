import { Injectable, NotFoundException } from '@nestjs/common';
import { canSee, type Principal } from '@lg/auth';
import { isoPeriod } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { analyseTrack, type DriftFix, type Fix, type TrackGap } from '@lg/scorecard';
import { ReadingsStore } from '../infra/readings';
import { MAX_POINTS, type TrackQuery } from '../contract/queries';
import { ScorecardBackend } from './scorecard.backend';

/** The evidence of a truck's track in a window, as the scorecard counts it (`GET /api/trucks/{id}/evidence`). */
export interface TrackEvidenceView {
  id: string;
  from: string;
  to: string;
  /** Segments that broke the track (too long, or too long in time while moving). */
  gaps: TrackGap[];
  /** Fixes that drifted from the previous one (implied speed or a jump). */
  drifts: DriftFix[];
  /** More qualified fixes than `MAX_POINTS` in the window: the evidence covers the first ones. */
  truncated: boolean;
}

/**
 * A truck's track gaps and drifted fixes over any window, by the scorecard's own rules and live settings
 * (`analyseTrack`): the track playback draws them on the map, so what the scorecard counts can be seen
 * where it happened. A company user gets its own trucks only (404 for others).
 */
@Injectable()
export class TrackEvidenceService {
  constructor(
    private readonly registry: Registry,
    private readonly readings: ReadingsStore,
    private readonly scorecard: ScorecardBackend,
  ) {}

  async evidence(principal: Principal, id: string, q: TrackQuery): Promise<TrackEvidenceView> {
    const device = this.registry.device(id);
    if (!device || device.kind !== 'truck' || !canSee(principal, device))
      throw new NotFoundException(`truck ${id} not found`);
    const [points, settings] = await Promise.all([
      this.readings.track(id, q, MAX_POINTS + 1),
      this.scorecard.settings.get(),
    ]);
    // The scorecard analyses qualified fixes only; ingest's drift flag keeps a fix's quality tag.
    const fixes: Fix[] = points
      .slice(0, MAX_POINTS)
      .filter((p) => p.q === 'ok')
      .map((p) => ({ ts: Date.parse(p.ts), lat: p.lat, lon: p.lon, speed: p.speed ?? 0 }));
    const analysis = analyseTrack(fixes, settings.track, settings.drift);
    return {
      id,
      ...isoPeriod(q.from, q.to),
      gaps: analysis.gaps,
      drifts: analysis.drifts,
      truncated: points.length > MAX_POINTS,
    };
  }
}
