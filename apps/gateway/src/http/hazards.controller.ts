import { Get } from '@nestjs/common';
import { CurrentUser, type Principal } from '@lg/auth';
import { HazardsService, type HazardAreaView } from '../access/hazards.service';
import { z } from '../contract/openapi-zod';
import { described } from '../contract/responses';
import { ApiController } from './api-controller';
import { ApiRoute } from './api-route';

/**
 * The active hazard areas (red slopes, orange/red gas leaks) the `truck.near_hazard` rule checks trucks
 * against, for the map. Every signed-in user sees them: a transport company needs to know where not to
 * drive; a company is not shown which device or owner raised them.
 */
@ApiController('api/hazards', { tag: 'map' })
export class HazardsController {
  constructor(private readonly hazards: HazardsService) {}

  @Get()
  @ApiRoute({
    summary: 'Active hazard areas: circles around red slope sites and orange/red gas alerts',
    description:
      'Each area lives while its alert is active; `id` is the alert ID, `points` the places (WGS-84) with a ' +
      'circle of `radiusM` metres each. Sorted most severe first. Companies get no `device` or `owner`, and an ' +
      '`id` of the area (`hz-…`) instead of the alert ID.',
    ok: z.array(described('HazardArea', 'A hazard area (docs/contract.md, "Hazard areas")')),
  })
  list(@CurrentUser() user: Principal): Promise<HazardAreaView[]> {
    return this.hazards.list(user);
  }
}
