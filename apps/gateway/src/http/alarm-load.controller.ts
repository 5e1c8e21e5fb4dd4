import { Controller, ForbiddenException, Get, Query, UseGuards } from '@nestjs/common';
import { z } from '../contract/openapi-zod';
import { alarmLoad, type AlarmLoad } from '@lg/alerts';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { GatewayRedis } from '../infra/redis';
import { intIn } from '../contract/queries';
import { described } from '../contract/responses';
import { ApiGroup, ApiRoute } from './api-route';
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
@UseGuards(AuthGuard)
@ApiGroup({ tag: 'alerts' })
@Controller('api/alarm-load')
export class AlarmLoadController {
  constructor(private readonly redis: GatewayRedis) {}

  @Get()
  @ApiRoute({
    summary: 'Alarm-load figures of the last hours (operators only)',
    description: 'hours: 1..168, default 24; operators: on duty, 1..50, default 1.',
    query: alarmLoadQuerySchema,
    ok: described('AlarmLoad', 'The figures (docs/dashboard.md, "Alarm load")'),
    errors: { 400: '', 403: 'Operators only' },
  })
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
