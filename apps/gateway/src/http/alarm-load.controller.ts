import { Controller, ForbiddenException, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { alarmLoad, type AlarmLoad } from '@lg/alerts';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { GatewayRedis } from '../infra/redis';
import { ErrorDto } from './dto';
import { intIn } from './queries';
import { ZodPipe } from './zod.pipe';

/** Most alerts one alarm-load figure reads (the demo district opens far fewer in a week). */
export const MAX_ALARM_LOAD_ALERTS = 20_000;

export const alarmLoadQuerySchema = z
  .object({
    /** The last this many hours, up to now. */
    hours: intIn(1, 168).default('24'),
    /** Operators on duty sharing the load. */
    operators: intIn(1, 50).default('1'),
  })
  .strict();
type AlarmLoadQuery = z.infer<typeof alarmLoadQuerySchema>;

/**
 * The command centre's alarm load (docs/dashboard.md, "Alarm load"): alarms per operator-hour against the
 * EEMUA 191 benchmarks, floods, standing alarms, the alarms that chatter most, time to acknowledge. From
 * the alerts Redis keeps (closed ones leave with the retention of closed alerts).
 */
@ApiTags('alerts')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/alarm-load')
export class AlarmLoadController {
  constructor(private readonly redis: GatewayRedis) {}

  @Get()
  @ApiOperation({ summary: 'Alarm-load figures of the last hours (operators only)' })
  @ApiQuery({ name: 'hours', required: false, example: 24, description: '1..168, default 24' })
  @ApiQuery({ name: 'operators', required: false, example: 2, description: 'on duty, 1..50, default 1' })
  @ApiOkResponse({ description: 'The figures (see docs/dashboard.md)' })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  async get(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(alarmLoadQuerySchema, 'query')) q: AlarmLoadQuery,
  ): Promise<AlarmLoad & { truncated: boolean }> {
    if (user.role !== 'operator') throw new ForbiddenException('the alarm load is for operators only');
    const now = Date.now();
    const from = now - q.hours * 3_600_000;
    const [opened, open] = await Promise.all([
      this.redis.alerts.list({ since: from, limit: MAX_ALARM_LOAD_ALERTS }),
      this.redis.alerts.open({ active: true }),
    ]);
    // A worker whose clock runs ahead of this gateway's (or the demo's test clock) stamps openings after
    // "now": the period reaches the latest of them (at most an hour on), so that none goes uncounted.
    const latest = opened.reduce((m, a) => Math.max(m, Date.parse(a.openedAt) + 1), now);
    const to = Math.min(latest, now + 3_600_000);
    return {
      ...alarmLoad({ opened, open, from, to, operators: q.operators, now }),
      truncated: opened.length >= MAX_ALARM_LOAD_ALERTS,
    };
  }
}
