import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Principal } from '@lg/auth';
import type { HazardArea } from '@lg/contracts';
import { GatewayRedis } from '../infra/redis';

/** A hazard area as a company sees it: where and how dangerous, not whose sensor (slope site, gas network). */
export type HazardAreaView = Omit<HazardArea, 'device' | 'owner'> & { device?: string; owner?: string };

/** A stable ID for an area that says nothing of the alert (and so of the device) it comes from. */
function opaqueId(alertId: string): string {
  return 'hz-' + createHash('sha256').update(alertId).digest('hex').slice(0, 16);
}

/**
 * The active hazard areas the workers keep, as each user may see them: an operator whole, a company without
 * the device or owner that raised them.
 */
@Injectable()
export class HazardsService {
  constructor(private readonly redis: GatewayRedis) {}

  /** Most severe first, then oldest first. */
  async list(principal: Principal): Promise<HazardAreaView[]> {
    const raw = await this.redis.commands.hgetall(this.redis.names.hazards);
    const areas = Object.values(raw)
      .map((json) => JSON.parse(json) as HazardArea)
      .sort((a, b) =>
        a.severity === b.severity ? a.since.localeCompare(b.since) : a.severity === 'red' ? -1 : 1,
      );
    if (principal.role === 'operator') return areas;
    // The alert ID names the device: a company gets an ID of the area that does not.
    return areas.map(({ device: _device, owner: _owner, id, ...rest }) => ({ id: opaqueId(id), ...rest }));
  }
}
