import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { TrackEvidenceService, type TrackEvidenceView } from '../access/track-evidence.service';
import { ErrorDto } from './dto';
import { deviceIdSchema, trackQuerySchema, type TrackQuery } from './queries';
import { ParamPipe, ZodPipe } from './zod.pipe';

@ApiTags('scorecard')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/trucks')
export class TrackEvidenceController {
  constructor(private readonly evidence: TrackEvidenceService) {}

  @Get(':id/evidence')
  @ApiOperation({
    summary: 'A truck’s track gaps and drifted fixes in [from, to), by the scorecard’s rules and settings',
    description: 'A company user gets only its own trucks (404 for others).',
  })
  @ApiQuery({
    name: 'from',
    required: false,
    description: 'ISO-8601 with a zone, or epoch ms; default to − 1 h',
  })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 with a zone, or epoch ms; default now' })
  @ApiOkResponse({ description: '{id, from, to, gaps: [...], drifts: [...], truncated}' })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No such truck (or another company’s)' })
  track(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(deviceIdSchema, 'id')) id: string,
    @Query(new ZodPipe(trackQuerySchema(), 'query')) q: TrackQuery,
  ): Promise<TrackEvidenceView> {
    return this.evidence.evidence(user, id, q);
  }
}
