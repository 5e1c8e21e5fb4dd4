import { Get, HttpCode, Post } from '@nestjs/common';
import { z } from '../contract/openapi-zod';
import { CurrentUser, type Principal } from '@lg/auth';
import type { Closure } from '@lg/contracts';
import { ClosuresService, type ClosureView } from '../access/closures.service';
import { closureBodySchema, closureIdSchema, type ClosureBody } from '../contract/closures.queries';
import { described } from '../contract/responses';
import { ApiController } from './api-controller';
import { ApiRoute } from './api-route';
import { ZodBody, ZodParam } from './zod.pipe';

const closureSchema = described('Closure', 'A temporary closure (docs/contract.md, "Temporary closures")');

/**
 * Temporary closures: an operator closes an area (a drawn polygon, or a radius around a point or an
 * alert) to hazmat trucks for a time window with a reason; `truck.restricted_zone` enforces it from the
 * next fix (workers reload on the announcement). Kept with who created and who lifted it.
 */
@ApiController('api/closures', { tag: 'closures' })
export class ClosuresController {
  constructor(private readonly closures: ClosuresService) {}

  @Get()
  @ApiRoute({
    summary: 'Closures in force or to come (operators also the last 100 lifted or over), newest first',
    description:
      'Every signed-in user sees the closures in force; a company without who drew or lifted them.',
    ok: z.array(closureSchema),
  })
  list(@CurrentUser() user: Principal): Promise<ClosureView[]> {
    return this.closures.list(user);
  }

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Closes an area to hazmat trucks (operators only)',
    description:
      'Exactly one of `polygon` (`[lon, lat]` WGS-84, 3–100 corners), `circle` `{lat, lon, radiusM}` or ' +
      '`alert` `{id, radiusM}` (around where the alert is located); `from` (default now) and `to`, epoch ms ' +
      'or ISO-8601, at most 30 days apart; `severity` of the entry alert (default red).',
    ok: closureSchema,
    errors: {
      400: '',
      403: 'Operators only',
      404: 'No such alert (`alert`)',
      409: '200 closures already in force or to come',
    },
  })
  create(@CurrentUser() user: Principal, @ZodBody(closureBodySchema) body: ClosureBody): Promise<Closure> {
    return this.closures.create(user, body);
  }

  @Post(':id/lift')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Lifts a closure now (operators only); it stays listed with who lifted it',
    ok: closureSchema,
    errors: { 403: 'Operators only', 404: '', 409: 'Already lifted or over' },
  })
  lift(@CurrentUser() user: Principal, @ZodParam('id', closureIdSchema) id: string): Promise<Closure> {
    return this.closures.lift(user, id);
  }
}
