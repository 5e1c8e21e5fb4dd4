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
import { DataQualityService, type DataQualityView } from '../access/data-quality.service';
import { ErrorDto } from './dto';
import { dataQualityQuerySchema, type DataQualityQuery } from './data-quality.queries';
import { companyIdSchema } from './scorecard.queries';
import { ParamPipe, ZodPipe } from './zod.pipe';

/** Data quality per truck (docs/scorecard.md): the integration console's view of a company's terminals. */
@ApiTags('scorecard')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/quality')
export class DataQualityController {
  constructor(private readonly quality: DataQualityService) {}

  @Get(':companyId')
  @ApiOperation({
    summary: 'Data quality of every truck of a company: interval, regularity, gaps, unqualified, clock skew',
    description:
      'A company user gets its own company only (404 for any other). The period is at most 24 h, default the last 6 h.',
  })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 with a zone, or epoch ms' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 with a zone, or epoch ms; default now' })
  @ApiQuery({
    name: 'gapFactor',
    required: false,
    description: 'gap beyond N registry intervals (1.5–100, 3)',
  })
  @ApiOkResponse({ description: '{company, from, to, gapFactor, trucks: [...], truncated}' })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  company(
    @CurrentUser() user: Principal,
    @Param('companyId', new ParamPipe(companyIdSchema, 'companyId')) companyId: string,
    @Query(new ZodPipe(dataQualityQuerySchema(), 'query')) q: DataQualityQuery,
  ): Promise<DataQualityView> {
    return this.quality.company(user, companyId, q);
  }
}
