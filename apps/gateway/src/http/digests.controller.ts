import { Get, HttpCode, Post } from '@nestjs/common';
import { CurrentUser, type Principal } from '@lg/auth';
import type { DigestScope } from '@lg/contracts';
import { DigestsService, type DigestView } from '../access/digests.service';
import { digestQuerySchema, digestScopeSchema, type DigestQuery } from '../contract/digests.queries';
import { described } from '../contract/responses';
import { ApiController } from './api-controller';
import { ApiRoute } from './api-route';
import { ZodParam, ZodQuery } from './zod.pipe';

/** Daily digests per company and per street (docs/notifications.md, "Daily digest"). */
@ApiController('api/digests', { tag: 'alerts' })
export class DigestsController {
  constructor(private readonly digests: DigestsService) {}

  @Get()
  @ApiRoute({
    summary: 'The scopes whose digests this user may read: its own company, or every company and street',
    ok: described('DigestScopes', 'Each scope’s kind (company or street), ID and name'),
  })
  scopes(@CurrentUser() user: Principal): DigestScope[] {
    return this.digests.scopes(user);
  }

  @Get(':scope')
  @ApiRoute({
    summary: 'The daily digest of a company or a street: the day’s alerts, handling times, open items',
    description:
      'scope: a company ID (C01) or street ID (ST-BJ); date: the local day (DIGEST_TIMEZONE), default ' +
      'yesterday, at most 30 days back. A company user sees only its own company (403 otherwise).',
    ok: described('Digest', 'The digest and its deliveries (docs/notifications.md, "Daily digest")'),
    errors: { 400: '', 403: 'Another company’s, or a street’s, for a company user', 404: 'No such scope' },
  })
  get(
    @CurrentUser() user: Principal,
    @ZodParam('scope', digestScopeSchema) scope: string,
    @ZodQuery(digestQuerySchema) q: DigestQuery,
  ): Promise<DigestView> {
    return this.digests.get(user, scope, q.date);
  }

  @Post(':scope/send')
  @ApiRoute({
    summary: 'Sends a day’s digest of a company or street now (operators only), by e-mail and webhook',
    description: 'Queued for the worker; its deliveries appear in GET /api/digests/{scope}?date=.',
    ok: described('DigestSend', 'The scope, day and run ID of the send'),
    errors: { 400: '', 403: 'Operators only', 404: 'No such scope' },
  })
  @HttpCode(202)
  send(
    @CurrentUser() user: Principal,
    @ZodParam('scope', digestScopeSchema) scope: string,
    @ZodQuery(digestQuerySchema) q: DigestQuery,
  ): Promise<{ scope: string; date: string; run: string }> {
    return this.digests.send(user, scope, q.date);
  }
}
