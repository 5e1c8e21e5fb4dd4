import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import type { RejectionSummary } from '../access/rejection-summary';
import { RejectionsService, type RejectionsView } from '../access/rejections.service';
import {
  MAX_REJECTION_LIMIT,
  rejectionQuerySchema,
  rejectionSummaryQuerySchema,
  type RejectionQuery,
  type RejectionSummaryQuery,
} from '../contract/rejections.queries';
import { ZodPipe } from './zod.pipe';
import { ApiGroup, ApiRoute } from './api-route';
import { described, rejectionsSchema } from '../contract/responses';

const PERIOD = 'ISO-8601 with a zone, or epoch ms; default: the last 24 h';

/**
 * The refused messages kept for each owner (a week or 10,000, whichever comes first): the integration
 * console's history. A company user gets its own only.
 */
@UseGuards(AuthGuard)
@ApiGroup({ tag: 'rejections' })
@Controller('api/rejections')
export class RejectionsController {
  constructor(private readonly rejections: RejectionsService) {}

  @Get()
  @ApiRoute({
    summary: 'Refused messages, newest first',
    description: `from, to: ${PERIOD}. limit: 1–${MAX_REJECTION_LIMIT}, default 100`,
    query: rejectionQuerySchema(),
    ok: rejectionsSchema,
    errors: { 400: '', 403: 'A company user asking for another owner' },
  })
  list(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(rejectionQuerySchema(), 'query')) q: RejectionQuery,
  ): Promise<RejectionsView> {
    return this.rejections.list(user, q);
  }

  @Get('summary')
  @ApiRoute({
    summary: 'Refused messages per reason, per owner and per device (most refused first, at most 100)',
    description: `from, to: ${PERIOD}`,
    query: rejectionSummaryQuerySchema(),
    ok: described('RejectionSummary', '{from, to, total, byReason, byOwner, byDevice, moreDevices}'),
    errors: { 400: '', 403: '' },
  })
  summary(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(rejectionSummaryQuerySchema(), 'query')) q: RejectionSummaryQuery,
  ): Promise<RejectionSummary> {
    return this.rejections.summary(user, q);
  }
}
