import { Get } from '@nestjs/common';
import { CurrentUser, type Principal } from '@lg/auth';
import type { DeviceView, SeriesView, TrackView } from '@lg/contracts';
import { DevicesService } from '../access/devices.service';
import {
  deviceIdSchema,
  MAX_POINTS,
  seriesQuerySchema,
  trackQuerySchema,
  type SeriesQuery,
  type TrackQuery,
} from '../contract/queries';
import { ZodParam, ZodQuery } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { z } from '../contract/openapi-zod';
import { deviceSchema, seriesSchema, trackSchema } from '../contract/responses';

const TIME = 'ISO-8601 with a zone, or epoch ms';

@ApiController('api', { tag: 'devices' })
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get('devices')
  @ApiRoute({
    summary: 'The registry with each device’s last reading time and online state',
    ok: z.array(deviceSchema),
  })
  list(@CurrentUser() user: Principal): Promise<DeviceView[]> {
    return this.devices.list(user);
  }

  @Get('trucks/:id/track')
  @ApiRoute({
    summary: `A truck’s fixes in [from, to), oldest first, at most ${MAX_POINTS}`,
    description: `from, to: ${TIME}; default the last hour`,
    ok: trackSchema,
    errors: { 400: '', 404: 'No such truck (or another company’s)' },
  })
  track(
    @CurrentUser() user: Principal,
    @ZodParam('id', deviceIdSchema) id: string,
    @ZodQuery(trackQuerySchema()) q: TrackQuery,
  ): Promise<TrackView> {
    return this.devices.track(user, id, q);
  }

  @Get('devices/:id/series')
  @ApiRoute({
    summary: 'One field of a device’s readings, raw or as the mean per bucket of `every`',
    description:
      `from, to: ${TIME}; default the last 24 h. Raw readings over up to 31 days; with \`every\` the mean ` +
      'per bucket over up to 367 days, answered from the 1-minute or 1-hour aggregates where they hold the ' +
      'period (docs/lifecycle.md). Slope and gas devices are for operators only (403 for company users).',
    ok: seriesSchema,
    errors: { 400: '', 403: '', 404: '' },
  })
  series(
    @CurrentUser() user: Principal,
    @ZodParam('id', deviceIdSchema) id: string,
    @ZodQuery(seriesQuerySchema()) q: SeriesQuery,
  ): Promise<SeriesView> {
    return this.devices.series(user, id, q);
  }
}
