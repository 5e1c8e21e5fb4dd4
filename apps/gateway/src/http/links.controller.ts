import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ID_PATTERN, type PlatformLinkView } from '@lg/contracts';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { LinksService, type LinksView } from '../access/links.service';
import { linkQuerySchema, type LinkQuery } from '../contract/links.queries';
import { platformLinkOneSchema, platformLinksSchema } from '../contract/responses';
import { ParamPipe, ZodPipe } from './zod.pipe';
import { ApiGroup, ApiRoute } from './api-route';

const PERIOD = 'from, to: ISO-8601 with a zone, or epoch ms; default: the last 24 h';
const companyId = z.string().regex(ID_PATTERN, 'must match [A-Za-z0-9_-]{1,64}');

/**
 * The transport companies' platform links (up/down as their platforms publish it over MQTT): the current
 * state, the time offline in a period and one company's changes. A company user gets its own only.
 */
@UseGuards(AuthGuard)
@ApiGroup({ tag: 'links' })
@Controller('api/links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Get()
  @ApiRoute({
    summary: 'Every company platform’s link (a company user: its own): state, offline time and drops',
    description: PERIOD,
    query: linkQuerySchema(),
    ok: platformLinksSchema,
    errors: { 400: '' },
  })
  list(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(linkQuerySchema(), 'query')) q: LinkQuery,
  ): Promise<LinksView> {
    return this.links.list(user, q);
  }

  @Get(':company')
  @ApiRoute({
    summary: 'One company platform’s link with its up/down changes in the period, oldest first',
    description: PERIOD,
    params: { company: companyId },
    query: linkQuerySchema(),
    ok: platformLinkOneSchema,
    errors: { 400: '', 403: 'A company user asking for another company', 404: 'No such company' },
  })
  one(
    @CurrentUser() user: Principal,
    @Param('company', new ParamPipe(companyId, 'company')) company: string,
    @Query(new ZodPipe(linkQuerySchema(), 'query')) q: LinkQuery,
  ): Promise<PlatformLinkView> {
    return this.links.one(user, company, q);
  }
}
