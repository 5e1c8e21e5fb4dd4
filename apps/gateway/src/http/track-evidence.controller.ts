import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { TrackEvidenceService, type TrackEvidenceView } from '../access/track-evidence.service';
import { deviceIdSchema, trackQuerySchema, type TrackQuery } from '../contract/queries';
import { described } from '../contract/responses';
import { ApiGroup, ApiRoute } from './api-route';
import { ParamPipe, ZodPipe } from './zod.pipe';

@UseGuards(AuthGuard)
@ApiGroup({ tag: 'scorecard' })
@Controller('api/trucks')
export class TrackEvidenceController {
  constructor(private readonly evidence: TrackEvidenceService) {}

  @Get(':id/evidence')
  @ApiRoute({
    summary: 'A truck’s track gaps and drifted fixes in [from, to), by the scorecard’s rules and settings',
    description:
      'A company user gets only its own trucks (404 for others). from, to: ISO-8601 with a zone, or epoch ' +
      'ms; default the hour before now.',
    params: { id: deviceIdSchema },
    query: trackQuerySchema(),
    ok: described(
      'TrackEvidence',
      '`{id, from, to, gaps: [...], drifts: [...], truncated}` (docs/scorecard.md)',
    ),
    errors: { 400: '', 404: 'No such truck (or another company’s)' },
  })
  track(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(deviceIdSchema, 'id')) id: string,
    @Query(new ZodPipe(trackQuerySchema(), 'query')) q: TrackQuery,
  ): Promise<TrackEvidenceView> {
    return this.evidence.evidence(user, id, q);
  }
}
