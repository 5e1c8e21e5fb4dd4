import { createHash } from 'node:crypto';
import { Controller, Get, UseGuards } from '@nestjs/common';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import type { HazardArea } from '@lg/contracts';
import { GatewayRedis } from '../infra/redis';
import { ApiGroup, ApiRoute } from './api-route';
import { z } from '../contract/openapi-zod';
import { described } from '../contract/responses';

/** A stable ID for an area that says nothing of the alert (and so of the device) it comes from. */
function opaqueId(alertId: string): string {
  return 'hz-' + createHash('sha256').update(alertId).digest('hex').slice(0, 16);
}

/** A hazard area as a company sees it: where and how dangerous, not whose sensor (slope site, gas network). */
export type HazardAreaView = Omit<HazardArea, 'device' | 'owner'> & { device?: string; owner?: string };

/**
 * The active hazard areas (red slopes, orange/red gas leaks) the `truck.near_hazard` rule checks trucks
 * against, for the map. Every signed-in user sees them: a transport company needs to know where not to
 * drive; a company is not shown which device or owner raised them.
 */
@UseGuards(AuthGuard)
@ApiGroup({ tag: 'map' })
@Controller('api/hazards')
export class HazardsController {
  constructor(private readonly redis: GatewayRedis) {}

  @Get()
  @ApiRoute({
    summary: 'Active hazard areas: circles around red slope sites and orange/red gas alerts',
    description:
      'Each area lives while its alert is active; `id` is the alert ID, `points` the places (WGS-84) with a ' +
      'circle of `radiusM` metres each. Sorted most severe first. Companies get no `device` or `owner`, and an ' +
      '`id` of the area (`hz-…`) instead of the alert ID.',
    ok: z.array(described('HazardArea', 'A hazard area (docs/contract.md, "Hazard areas")')),
  })
  async list(@CurrentUser() user: Principal): Promise<HazardAreaView[]> {
    const raw = await this.redis.commands.hgetall(this.redis.names.hazards);
    const areas = Object.values(raw)
      .map((json) => JSON.parse(json) as HazardArea)
      .sort((a, b) =>
        a.severity === b.severity ? a.since.localeCompare(b.since) : a.severity === 'red' ? -1 : 1,
      );
    if (user.role === 'operator') return areas;
    // The alert ID names the device: a company gets an ID of the area that does not.
    return areas.map(({ device: _device, owner: _owner, id, ...rest }) => ({ id: opaqueId(id), ...rest }));
  }
}
