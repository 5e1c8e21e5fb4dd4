import { Body, Controller, Get, Param, Put, Query, Res, StreamableFile, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import {
  ScorecardService,
  type CompanyView,
  type RankingView,
  type SettingsView,
  type TrendView,
} from '../access/scorecard.service';
import { ErrorDto } from './dto';
import { CompanyDetailDto, RankingDto, ScorecardSettingsDto, TrendDto } from './scorecard.dto';
import {
  companyIdSchema,
  exportQuerySchema,
  rankingExportQuerySchema,
  type RankingExportQuery,
  MAX_TREND_DAYS,
  scorecardQuerySchema,
  trendQuerySchema,
  type ExportQuery,
  type ScorecardRange,
  type TrendQuery,
} from './scorecard.queries';
import { ParamPipe, ZodPipe } from './zod.pipe';

const TIME = 'ISO-8601 with a zone, or epoch ms';
const FROM = `${TIME}; default: the start of yesterday (Asia/Shanghai), or to − 1 day. Widened to a whole hour`;
const TO = `${TIME}; default: the start of today (Asia/Shanghai), or from + 1 day. At most 31 days after from; widened to a whole hour`;

/**
 * The regulator's scorecard of the transport companies (交运发〔2016〕160号): rates, points and score per
 * company, per truck, with the evidence and the fix-first list; trends; exports. A company user sees only
 * its own company; any other is 404.
 */
@ApiTags('scorecard')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@ApiServiceUnavailableResponse({
  type: ErrorDto,
  description: 'Too many scorecard computations running and waiting; `Retry-After: 5`',
})
@UseGuards(AuthGuard)
@Controller('api/scorecard')
export class ScorecardController {
  constructor(private readonly scorecard: ScorecardService) {}

  @Get()
  @ApiOperation({
    summary: 'Every company’s rates, counts, points and score for the period, ranked',
    description: 'An operator gets all companies ranked; a company user gets its own only, without rank.',
  })
  @ApiQuery({ name: 'from', required: false, description: FROM })
  @ApiQuery({ name: 'to', required: false, description: TO })
  @ApiOkResponse({ type: RankingDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  ranking(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(scorecardQuerySchema(), 'query')) q: ScorecardRange,
  ): Promise<RankingView> {
    return this.scorecard.ranking(user, q);
  }

  // Declared before `:companyId`, so that it is matched first.
  @Get('export')
  @ApiOperation({
    summary: 'The ranking as CSV or XLSX, in the order on screen (`order`), with the district average',
    description: 'An operator gets every company ranked; a company user its own row only.',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'xlsx'], description: 'default csv' })
  @ApiQuery({ name: 'lang', required: false, enum: ['zh', 'en'], description: 'default zh' })
  @ApiQuery({ name: 'order', required: false, description: 'company IDs, comma-separated; default by rank' })
  @ApiQuery({ name: 'from', required: false, description: FROM })
  @ApiQuery({ name: 'to', required: false, description: TO })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'The file, as an attachment' })
  @ApiBadRequestResponse({ type: ErrorDto })
  async rankingExport(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(rankingExportQuerySchema(), 'query')) q: RankingExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.scorecard.rankingExport(user, q);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(file.body);
  }

  // Declared before `:companyId`, so that it is matched first.
  @Get('settings')
  @ApiOperation({ summary: 'The scorecard’s point rules and duty-check rates (operators only)' })
  @ApiOkResponse({ type: ScorecardSettingsDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Operators only' })
  settings(@CurrentUser() user: Principal): Promise<SettingsView> {
    return this.scorecard.settings(user);
  }

  @Put('settings')
  @ApiOperation({
    summary: 'Replace the scorecard settings (operators only)',
    description:
      'Body: the overrides, any subset of `{track, drift, alerts, dutyCheck, accessLookbackDays, evidenceLimit}`; ' +
      'keys left out take their defaults. Applied to every computation from now on; kept days stay as computed.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      example: { track: { gapTimeSec: 600 }, dutyCheck: { companies: { C03: 0.85 } } },
    },
  })
  @ApiOkResponse({ type: ScorecardSettingsDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A bad key or value, named' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Operators only' })
  replaceSettings(@CurrentUser() user: Principal, @Body() body: unknown): Promise<SettingsView> {
    return this.scorecard.replaceSettings(user, body);
  }

  @Get(':companyId')
  @ApiOperation({
    summary: 'One company’s scorecard per truck, with the worst records for each rate and the fix-first list',
  })
  @ApiQuery({ name: 'from', required: false, description: FROM })
  @ApiQuery({ name: 'to', required: false, description: TO })
  @ApiOkResponse({ type: CompanyDetailDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({
    type: ErrorDto,
    description: 'No such company (or, for a company user, another one)',
  })
  company(
    @CurrentUser() user: Principal,
    @Param('companyId', new ParamPipe(companyIdSchema, 'companyId')) companyId: string,
    @Query(new ZodPipe(scorecardQuerySchema(), 'query')) q: ScorecardRange,
  ): Promise<CompanyView> {
    return this.scorecard.company(user, companyId, q);
  }

  @Get(':companyId/trend')
  @ApiOperation({
    summary: 'The company’s daily score and rates over the last days (kept daily results)',
    description: 'Final days not kept yet are computed and kept first.',
  })
  @ApiQuery({ name: 'days', required: false, description: `1..${MAX_TREND_DAYS}; default 30` })
  @ApiQuery({
    name: 'to',
    required: false,
    description: `${TIME}; the trend ends the day before; default now`,
  })
  @ApiOkResponse({ type: TrendDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  trend(
    @CurrentUser() user: Principal,
    @Param('companyId', new ParamPipe(companyIdSchema, 'companyId')) companyId: string,
    @Query(new ZodPipe(trendQuerySchema(), 'query')) q: TrendQuery,
  ): Promise<TrendView> {
    return this.scorecard.trend(user, companyId, q);
  }

  @Get(':companyId/export')
  @ApiOperation({
    summary: 'The company’s scorecard as CSV (per-truck table) or XLSX (summary, trucks, evidence)',
    description: 'Headings in Chinese (`lang=zh`) or English (`lang=en`).',
  })
  @ApiQuery({ name: 'format', required: false, enum: ['csv', 'xlsx'], description: 'default csv' })
  @ApiQuery({ name: 'lang', required: false, enum: ['zh', 'en'], description: 'default zh' })
  @ApiQuery({ name: 'from', required: false, description: FROM })
  @ApiQuery({ name: 'to', required: false, description: TO })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'The file, as an attachment' })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async export(
    @CurrentUser() user: Principal,
    @Param('companyId', new ParamPipe(companyIdSchema, 'companyId')) companyId: string,
    @Query(new ZodPipe(exportQuerySchema(), 'query')) q: ExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    const file = await this.scorecard.export(user, companyId, q);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    return new StreamableFile(file.body);
  }
}
