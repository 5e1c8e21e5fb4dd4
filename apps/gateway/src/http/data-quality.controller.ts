import { Get } from '@nestjs/common';
import { CurrentUser, type Principal } from '@lg/auth';
import { DataQualityService, type DataQualityView } from '../access/data-quality.service';
import { dataQualityQuerySchema, type DataQualityQuery } from '../contract/data-quality.queries';
import { companyIdSchema } from '../contract/scorecard.queries';
import { described } from '../contract/responses';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { ZodParam, ZodQuery } from './zod.pipe';

/** Data quality per truck (docs/scorecard.md): the integration console's view of a company's terminals. */
@ApiController('api/quality', { tag: 'scorecard' })
export class DataQualityController {
  constructor(private readonly quality: DataQualityService) {}

  @Get(':companyId')
  @ApiRoute({
    summary: 'Data quality of every truck of a company: interval, regularity, gaps, unqualified, clock skew',
    description:
      'A company user gets its own company only (404 for any other). The period is at most 24 h, default ' +
      'the last 6 h; gapFactor: a gap is beyond N registry intervals (1.5–100, default 3).',
    ok: described(
      'DataQuality',
      '`{company, from, to, gapFactor, trucks: [...], truncated}` (docs/scorecard.md)',
    ),
    errors: { 400: '', 404: '' },
  })
  company(
    @CurrentUser() user: Principal,
    @ZodParam('companyId', companyIdSchema) companyId: string,
    @ZodQuery(dataQualityQuerySchema()) q: DataQualityQuery,
  ): Promise<DataQualityView> {
    return this.quality.company(user, companyId, q);
  }
}
