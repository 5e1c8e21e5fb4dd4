import { Get, Inject } from '@nestjs/common';
import { CurrentUser, type Principal } from '@lg/auth';
import { Registry } from '@lg/registry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import type { MapView } from '@lg/contracts';
import { mapView } from './map.view';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { described } from '../contract/responses';

/** The static layers of the dashboard's map, drawn from the registry (no tiles or other download needed). */
@ApiController('api/map', { tag: 'map' })
export class MapController {
  constructor(
    private readonly registry: Registry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiRoute({
    summary: 'District outline, corridors, restricted zones, slope sites and the responsibility chain',
    ok: described('MapView', 'The map view (libs/contracts, map.ts; docs/contract.md)'),
  })
  get(@CurrentUser() user: Principal): MapView {
    return mapView(this.registry, user, this.config);
  }
}
