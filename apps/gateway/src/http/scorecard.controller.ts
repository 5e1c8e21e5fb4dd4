import { Body, Get, Put, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { CurrentUser, type Principal } from '@lg/auth';
import {
  ScorecardService,
  type CompanyView,
  type ExportFile,
  type RankingView,
  type SettingsView,
  type TrendView,
} from '../access/scorecard.service';
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
} from '../contract/scorecard.queries';
import { ZodParam, ZodQuery } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { described } from '../contract/responses';
import {
  companyDetailSchema,
  rankingSchema,
  scorecardSettingsSchema,
  trendSchema,
} from '../contract/scorecard.responses';

const TIME = 'ISO-8601 with a zone, or epoch ms';
const FROM = `${TIME}; default: the start of yesterday (Asia/Shanghai), or to − 1 day. Widened to a whole hour`;
const TO = `${TIME}; default: the start of today (Asia/Shanghai), or from + 1 day. At most 31 days after from; widened to a whole hour`;

/** An export's answer in the document: a CSV or XLSX file. */
const EXPORT_FILE = {
  description: 'The file, as an attachment',
  contentTypes: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
};

/** An export as the answer: an attachment under its own name, never cached. */
function attachment(res: Response, file: ExportFile): StreamableFile {
  res.setHeader('Content-Type', file.contentType);
  res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  return new StreamableFile(file.body);
}

/**
 * The regulator's scorecard of the transport companies (交运发〔2016〕160号): rates, points and score per
 * company, per truck, with the evidence and the fix-first list; trends; exports. A company user sees only
 * its own company; any other is 404.
 */
@ApiController('api/scorecard', {
  tag: 'scorecard',
  errors: { 503: 'Too many scorecard computations at once; `Retry-After` says when' },
})
export class ScorecardController {
  constructor(private readonly scorecard: ScorecardService) {}

  @Get()
  @ApiRoute({
    summary: 'Every company’s rates, counts, points and score for the period, ranked',
    description: `from: ${FROM}. to: ${TO}`,
    ok: rankingSchema,
    errors: { 400: '' },
  })
  ranking(
    @CurrentUser() user: Principal,
    @ZodQuery(scorecardQuerySchema()) q: ScorecardRange,
  ): Promise<RankingView> {
    return this.scorecard.ranking(user, q);
  }

  // Declared before `:companyId`, so that it is matched first.
  @Get('export')
  @ApiRoute({
    summary: 'The ranking as CSV or XLSX, in the order on screen (`order`), with the district average',
    description:
      'An operator gets every company ranked; a company user its own row only. ' +
      `format: csv (default) or xlsx; lang: zh (default) or en; order: company IDs, comma-separated (default by rank). from: ${FROM}. to: ${TO}`,
    ok: EXPORT_FILE,
    errors: { 400: '' },
  })
  async rankingExport(
    @CurrentUser() user: Principal,
    @ZodQuery(rankingExportQuerySchema()) q: RankingExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return attachment(res, await this.scorecard.rankingExport(user, q));
  }

  // Declared before `:companyId`, so that it is matched first.
  @Get('settings')
  @ApiRoute({
    summary: 'The scorecard’s point rules and duty-check rates (operators only)',
    ok: scorecardSettingsSchema,
    errors: { 403: 'Operators only' },
  })
  settings(@CurrentUser() user: Principal): Promise<SettingsView> {
    return this.scorecard.settings(user);
  }

  @Put('settings')
  @ApiRoute({
    summary: 'Replace the scorecard settings (operators only)',
    body: described(
      'ScorecardOverrides',
      'What to override, e.g. {"track": {"gapTimeSec": 600}} (docs/scorecard.md)',
    ),
    ok: scorecardSettingsSchema,
    errors: { 400: 'A bad key or value, named', 403: 'Operators only' },
  })
  replaceSettings(@CurrentUser() user: Principal, @Body() body: unknown): Promise<SettingsView> {
    return this.scorecard.replaceSettings(user, body);
  }

  @Get(':companyId')
  @ApiRoute({
    summary: 'One company’s scorecard per truck, with the worst records for each rate and the fix-first list',
    description: `from: ${FROM}. to: ${TO}`,
    ok: companyDetailSchema,
    errors: { 400: '', 404: 'No such company (or another company’s)' },
  })
  company(
    @CurrentUser() user: Principal,
    @ZodParam('companyId', companyIdSchema) companyId: string,
    @ZodQuery(scorecardQuerySchema()) q: ScorecardRange,
  ): Promise<CompanyView> {
    return this.scorecard.company(user, companyId, q);
  }

  @Get(':companyId/trend')
  @ApiRoute({
    summary: 'The company’s daily score and rates over the last days (kept daily results)',
    description: `days: 1..${MAX_TREND_DAYS}; default 30`,
    ok: trendSchema,
    errors: { 400: '', 404: '' },
  })
  trend(
    @CurrentUser() user: Principal,
    @ZodParam('companyId', companyIdSchema) companyId: string,
    @ZodQuery(trendQuerySchema()) q: TrendQuery,
  ): Promise<TrendView> {
    return this.scorecard.trend(user, companyId, q);
  }

  @Get(':companyId/export')
  @ApiRoute({
    summary: 'The company’s scorecard as CSV (per-truck table) or XLSX (summary, trucks, evidence)',
    description: `from: ${FROM}. to: ${TO}`,
    ok: EXPORT_FILE,
    errors: { 400: '', 404: '' },
  })
  async export(
    @CurrentUser() user: Principal,
    @ZodParam('companyId', companyIdSchema) companyId: string,
    @ZodQuery(exportQuerySchema()) q: ExportQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return attachment(res, await this.scorecard.export(user, companyId, q));
  }
}
