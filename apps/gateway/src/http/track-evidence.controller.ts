import { Get } from '@nestjs/common';
import { CurrentUser, type Principal } from '@lg/auth';
import { TrackEvidenceService, type TrackEvidenceView } from '../access/track-evidence.service';
import { deviceIdSchema, trackQuerySchema, type TrackQuery } from '../contract/queries';
import { described } from '../contract/responses';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { ZodParam, ZodQuery } from './zod.pipe';

@ApiController('api/trucks', { tag: 'scorecard' })
export class TrackEvidenceController {
  constructor(private readonly evidence: TrackEvidenceService) {}

  @Get(':id/evidence')
  @ApiRoute({
    summary: 'A truck’s track gaps and drifted fixes in [from, to), by the scorecard’s rules and settings',
    description:
      'A company user gets only its own trucks (404 for others). from, to: ISO-8601 with a zone, or epoch ' +
      'ms; default the hour before now.',
    ok: described(
      'TrackEvidence',
      '`{id, from, to, gaps: [...], drifts: [...], truncated}` (docs/scorecard.md)',
    ),
    errors: { 400: '', 404: 'No such truck (or another company’s)' },
  })
  track(
    @CurrentUser() user: Principal,
    @ZodParam('id', deviceIdSchema) id: string,
    @ZodQuery(trackQuerySchema()) q: TrackQuery,
  ): Promise<TrackEvidenceView> {
    return this.evidence.evidence(user, id, q);
  }
}
