import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { Registry } from '@lg/registry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ErrorDto } from './dto';
import type { MapView } from '@lg/contracts';
import { mapView } from './map.view';

/** The static layers of the dashboard's map, drawn from the registry (no tiles or other download needed). */
@ApiTags('map')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/map')
export class MapController {
  constructor(
    private readonly registry: Registry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'District outline, corridors, restricted zones, slope sites and the responsibility chain',
    description:
      'For the dashboard map and filters. Coordinates are WGS-84 `[lon, lat]`. A company user gets its own ' +
      'company, the roads and zones only (no slope sites, gas networks, grids or communities). `tiles` is ' +
      'present only when the deployment configures a tile layer (MAP_TILES_URL).',
  })
  @ApiOkResponse({ description: 'The map view' })
  get(@CurrentUser() user: Principal): MapView {
    return mapView(this.registry, user, this.config);
  }
}
