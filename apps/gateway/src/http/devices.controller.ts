import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import type { DeviceView, SeriesView, TrackView } from '@lg/contracts';
import { DevicesService } from '../access/devices.service';
import { DeviceDto, ErrorDto, SeriesDto, TrackDto } from './dto';
import {
  deviceIdSchema,
  MAX_POINTS,
  seriesQuerySchema,
  trackQuerySchema,
  type SeriesQuery,
  type TrackQuery,
} from './queries';
import { ParamPipe, ZodPipe } from './zod.pipe';

const TIME = 'ISO-8601 with a zone, or epoch ms';

@ApiTags('devices')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @Get('devices')
  @ApiOperation({
    summary: 'The registry with each device’s last reading time and online state',
    description: 'A company user gets only its own trucks.',
  })
  @ApiOkResponse({ type: [DeviceDto] })
  list(@CurrentUser() user: Principal): Promise<DeviceView[]> {
    return this.devices.list(user);
  }

  @Get('trucks/:id/track')
  @ApiOperation({ summary: `A truck’s fixes in [from, to), oldest first, at most ${MAX_POINTS}` })
  @ApiQuery({ name: 'from', required: false, description: `${TIME}; default to − 1 h` })
  @ApiQuery({ name: 'to', required: false, description: `${TIME}; default now` })
  @ApiOkResponse({ type: TrackDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No such truck (or another company’s)' })
  track(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(deviceIdSchema, 'id')) id: string,
    @Query(new ZodPipe(trackQuerySchema(), 'query')) q: TrackQuery,
  ): Promise<TrackView> {
    return this.devices.track(user, id, q);
  }

  @Get('devices/:id/series')
  @ApiOperation({
    summary: 'One field of a device’s readings, raw or as the mean per bucket of `every`',
    description: `At most ${MAX_POINTS} points; raw over up to 31 days, means per bucket over up to 367 (answered from the 1-minute or 1-hour aggregates where they hold the period). Slope and gas devices are for operators only (403 for company users).`,
  })
  @ApiQuery({
    name: 'field',
    required: true,
    example: 'speed',
    description: 'A field of the device’s kind (contract v1)',
  })
  @ApiQuery({ name: 'from', required: false, description: `${TIME}; default to − 24 h` })
  @ApiQuery({ name: 'to', required: false, description: `${TIME}; default now` })
  @ApiQuery({
    name: 'every',
    required: false,
    example: '1m',
    description: 'Bucket width, 1s..1d (numeric fields)',
  })
  @ApiOkResponse({ type: SeriesDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  series(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(deviceIdSchema, 'id')) id: string,
    @Query(new ZodPipe(seriesQuerySchema(), 'query')) q: SeriesQuery,
  ): Promise<SeriesView> {
    return this.devices.series(user, id, q);
  }
}
