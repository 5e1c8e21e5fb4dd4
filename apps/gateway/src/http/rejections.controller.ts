import { Get } from '@nestjs/common';
import { CurrentUser, type Principal } from '@lg/auth';
import type { RejectionSummary } from '../access/rejection-summary';
import { RejectionsService, type RejectionsView } from '../access/rejections.service';
import {
  MAX_REJECTION_LIMIT,
  rejectionQuerySchema,
  rejectionSummaryQuerySchema,
  type RejectionQuery,
  type RejectionSummaryQuery,
} from '../contract/rejections.queries';
import { ZodQuery } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { described, rejectionsSchema } from '../contract/responses';

const PERIOD = 'ISO-8601 with a zone, or epoch ms; default: the last 24 h';

/**
 * The refused messages kept for each owner (a week or 10,000, whichever comes first): the integration
 * console's history. A company user gets its own only.
 */
@ApiController('api/rejections', { tag: 'rejections' })
export class RejectionsController {
  constructor(private readonly rejections: RejectionsService) {}

  @Get()
  @ApiRoute({
    summary: 'Refused messages, newest first',
    description: `from, to: ${PERIOD}. limit: 1–${MAX_REJECTION_LIMIT}, default 100`,
    ok: rejectionsSchema,
    errors: { 400: '', 403: 'A company user asking for another owner' },
  })
  list(
    @CurrentUser() user: Principal,
    @ZodQuery(rejectionQuerySchema()) q: RejectionQuery,
  ): Promise<RejectionsView> {
    return this.rejections.list(user, q);
  }

  @Get('summary')
  @ApiRoute({
    summary: 'Refused messages per reason, per owner and per device (most refused first, at most 100)',
    description: `from, to: ${PERIOD}`,
    ok: described('RejectionSummary', '{from, to, total, byReason, byOwner, byDevice, moreDevices}'),
    errors: { 400: '', 403: '' },
  })
  summary(
    @CurrentUser() user: Principal,
    @ZodQuery(rejectionSummaryQuerySchema()) q: RejectionSummaryQuery,
  ): Promise<RejectionSummary> {
    return this.rejections.summary(user, q);
  }
}
