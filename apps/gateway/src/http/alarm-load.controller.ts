import { Get } from '@nestjs/common';
import type { AlarmLoad } from '@lg/alerts';
import { CurrentUser, type Principal } from '@lg/auth';
import { AlarmLoadService } from '../access/alarm-load.service';
import { alarmLoadQuerySchema, type AlarmLoadQuery } from '../contract/alarm-load.queries';
import { described } from '../contract/responses';
import { ApiController } from './api-controller';
import { ApiRoute } from './api-route';
import { ZodQuery } from './zod.pipe';

/**
 * The command centre's alarm load (docs/dashboard.md, "Alarm load"): alarms per operator-hour against the
 * EEMUA 191 benchmarks, floods, standing alarms, the alarms that chatter most, time to acknowledge.
 */
@ApiController('api/alarm-load', { tag: 'alerts' })
export class AlarmLoadController {
  constructor(private readonly load: AlarmLoadService) {}

  @Get()
  @ApiRoute({
    summary: 'Alarm-load figures of the last hours (operators only)',
    description: 'hours: 1..168, default 24; operators: on duty, 1..50, default 1.',
    ok: described('AlarmLoad', 'The figures (docs/dashboard.md, "Alarm load")'),
    errors: { 400: '', 403: 'Operators only' },
  })
  get(
    @CurrentUser() user: Principal,
    @ZodQuery(alarmLoadQuerySchema) q: AlarmLoadQuery,
  ): Promise<AlarmLoad & { truncated: boolean }> {
    return this.load.figures(user, q);
  }
}
