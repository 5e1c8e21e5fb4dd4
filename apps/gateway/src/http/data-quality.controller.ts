import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { DataQualityService, type DataQualityView } from '../access/data-quality.service';
import { dataQualityQuerySchema, type DataQualityQuery } from '../contract/data-quality.queries';
import { companyIdSchema } from '../contract/scorecard.queries';
import { described } from '../contract/responses';
import { ApiGroup, ApiRoute } from './api-route';
import { ParamPipe, ZodPipe } from './zod.pipe';

/** Data quality per truck (docs/scorecard.md): the integration console's view of a company's terminals. */
@UseGuards(AuthGuard)
@ApiGroup({ tag: 'scorecard' })
@Controller('api/quality')
export class DataQualityController {
  constructor(private readonly quality: DataQualityService) {}

  @Get(':companyId')
  @ApiRoute({
    summary: 'Data quality of every truck of a company: interval, regularity, gaps, unqualified, clock skew',
    description:
      'A company user gets its own company only (404 for any other). The period is at most 24 h, default ' +
      'the last 6 h; gapFactor: a gap is beyond N registry intervals (1.5–100, default 3).',
    params: { companyId: companyIdSchema },
    query: dataQualityQuerySchema(),
    ok: described(
      'DataQuality',
      '`{company, from, to, gapFactor, trucks: [...], truncated}` (docs/scorecard.md)',
    ),
    errors: { 400: '', 404: '' },
  })
  company(
    @CurrentUser() user: Principal,
    @Param('companyId', new ParamPipe(companyIdSchema, 'companyId')) companyId: string,
    @Query(new ZodPipe(dataQualityQuerySchema(), 'query')) q: DataQualityQuery,
  ): Promise<DataQualityView> {
    return this.quality.company(user, companyId, q);
  }
}
