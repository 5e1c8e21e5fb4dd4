import { Get } from '@nestjs/common';
import type { PlatformLinkView } from '@lg/contracts';
import { CurrentUser, type Principal } from '@lg/auth';
import { LinksService, type LinksView } from '../access/links.service';
import { linkQuerySchema, type LinkQuery } from '../contract/links.queries';
import { companyIdSchema } from '../contract/scorecard.queries';
import { platformLinkOneSchema, platformLinksSchema } from '../contract/responses';
import { ZodParam, ZodQuery } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';

const PERIOD = 'from, to: ISO-8601 with a zone, or epoch ms; default: the last 24 h';

/**
 * The transport companies' platform links (up/down as their platforms publish it over MQTT): the current
 * state, the time offline in a period and one company's changes. A company user gets its own only.
 */
@ApiController('api/links', { tag: 'links' })
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Get()
  @ApiRoute({
    summary: 'Every company platform’s link (a company user: its own): state, offline time and drops',
    description: PERIOD,
    ok: platformLinksSchema,
    errors: { 400: '' },
  })
  list(@CurrentUser() user: Principal, @ZodQuery(linkQuerySchema()) q: LinkQuery): Promise<LinksView> {
    return this.links.list(user, q);
  }

  @Get(':company')
  @ApiRoute({
    summary: 'One company platform’s link with its up/down changes in the period, oldest first',
    description: PERIOD,
    ok: platformLinkOneSchema,
    errors: { 400: '', 403: 'A company user asking for another company', 404: 'No such company' },
  })
  one(
    @CurrentUser() user: Principal,
    @ZodParam('company', companyIdSchema) company: string,
    @ZodQuery(linkQuerySchema()) q: LinkQuery,
  ): Promise<PlatformLinkView> {
    return this.links.one(user, company, q);
  }
}
