import { Body, Get, HttpCode, Post, Put } from '@nestjs/common';
import { z } from 'zod';
import { DUTY_CHECK_ID_PATTERN, ID_PATTERN, type DutyAnswerResult } from '@lg/contracts';
import { CurrentUser, type Principal } from '@lg/auth';
import type { DutySettings } from '@lg/duty';
import { DutyChecksService, type DutyCheckList, type DutyTallyView } from '../access/duty-checks.service';
import { idParam, quoted, single, withRange } from '../contract/queries';
import { ZodBody, ZodParam, ZodQuery } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { described } from '../contract/responses';

const recentWeek = (q: { from?: number; to?: number }, now: number) => {
  const to = q.to ?? now + 1;
  return { from: q.from ?? to - 7 * 86_400_000, to };
};
const limit = single(
  z.string().transform((v, ctx) => {
    if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > 1000) {
      ctx.addIssue({ code: 'custom', message: `must be a whole number from 1 to 1000, got ${quoted(v)}` });
      return z.NEVER;
    }
    return Number(v);
  }),
);
const listQuery = withRange(
  { company: idParam.optional(), limit: limit.default('100') },
  recentWeek,
  Date.now,
);
const tallyQuery = withRange({ company: idParam.optional() }, recentWeek, Date.now);
const askBody = z
  .object({
    company: z.string({ required_error: 'is required' }).regex(ID_PATTERN, 'must match [A-Za-z0-9_-]{1,64}'),
    deadlineSec: z.number().int().min(5).max(86_400).optional(),
  })
  .strict();
const answerBody = z.object({ code: z.string({ required_error: 'is required' }).min(1).max(16) }).strict();
const checkId = z.string().regex(DUTY_CHECK_ID_PATTERN, 'is not a duty check ID');

/**
 * Duty checks (平台查岗): operators ask (or the schedule does, at random in working hours); the company asked
 * answers over MQTT or here; each check ends in time, late or missed.
 */
@ApiController('api/duty-checks', { tag: 'duty-checks' })
export class DutyChecksController {
  constructor(private readonly duty: DutyChecksService) {}

  @Get()
  @ApiRoute({
    summary: 'Duty checks asked in the period (default the last 7 days), newest first',
    ok: described('DutyCheckList', '{checks: DutyCheckView[]} (docs/contract.md)'),
    errors: { 400: '', 403: '' },
  })
  list(
    @CurrentUser() user: Principal,
    @ZodQuery(listQuery) q: z.output<typeof listQuery>,
  ): Promise<DutyCheckList> {
    return this.duty.list(user, q);
  }

  @Get('summary')
  @ApiRoute({
    summary: 'Per company: asked, decided, in time, late, missed, and the response rate',
    ok: z.array(described('DutyTally', '{company, asked, decided, inTime, late, missed, rate}')),
    errors: { 400: '', 403: '' },
  })
  summary(
    @CurrentUser() user: Principal,
    @ZodQuery(tallyQuery) q: z.output<typeof tallyQuery>,
  ): Promise<DutyTallyView[]> {
    return this.duty.tallies(user, q);
  }

  @Get('settings')
  @ApiRoute({
    summary: 'Checks per day, deadline and working hours (operators only)',
    ok: described('DutySettings', 'The duty-check settings (docs/contract.md)'),
    errors: { 403: '' },
  })
  settings(@CurrentUser() user: Principal): Promise<DutySettings> {
    return this.duty.settings(user);
  }

  @Put('settings')
  @ApiRoute({
    summary: 'Replaces the settings (operators only); a bad key is a 400 naming it',
    body: described('DutySettings', 'The duty-check settings (docs/contract.md)'),
    ok: described('DutySettings', 'The duty-check settings (docs/contract.md)'),
    errors: { 400: '', 403: '' },
  })
  putSettings(@CurrentUser() user: Principal, @Body() body: unknown): Promise<DutySettings> {
    return this.duty.putSettings(user, body);
  }

  @Post()
  @ApiRoute({
    summary: 'Asks a company now (operators only); the question goes out over MQTT within a moment',
    ok: described('DutyCheck', 'The check asked (docs/contract.md)'),
    errors: { 400: '', 403: '', 404: 'No such company', 429: 'Over 50 checks for the company in 24 h' },
  })
  @HttpCode(202)
  ask(
    @CurrentUser() user: Principal,
    @ZodBody(askBody) body: z.output<typeof askBody>,
  ): Promise<{ id: string; company: string }> {
    return this.duty.ask(user, body);
  }

  @Post(':id/answer')
  @ApiRoute({
    summary: 'Answers a check of one’s own company from the dashboard (company users)',
    ok: described('DutyAnswer', 'The answer’s result: in time or late'),
    errors: { 400: 'Wrong code, already answered, or over 24 h old', 404: '' },
  })
  @HttpCode(200)
  answer(
    @CurrentUser() user: Principal,
    @ZodParam('id', checkId) id: string,
    @ZodBody(answerBody) body: z.output<typeof answerBody>,
  ): Promise<DutyAnswerResult> {
    return this.duty.answer(user, id, body.code);
  }
}
