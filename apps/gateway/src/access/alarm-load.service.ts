import { Injectable } from '@nestjs/common';
import { alarmLoad, type AlarmLoad } from '@lg/alerts';
import type { Principal } from '@lg/auth';
import type { AlarmLoadQuery } from '../contract/alarm-load.queries';
import { GatewayRedis } from '../infra/redis';
import { requireOperator } from './operators';

/** Most alerts one alarm-load figure reads (the demo district opens far fewer in a week). */
export const MAX_ALARM_LOAD_ALERTS = 20_000;

/**
 * The command centre's alarm load (docs/dashboard.md, "Alarm load"), for operators, from the alerts Redis
 * keeps (closed ones leave with the retention of closed alerts).
 */
@Injectable()
export class AlarmLoadService {
  constructor(private readonly redis: GatewayRedis) {}

  async figures(principal: Principal, q: AlarmLoadQuery): Promise<AlarmLoad & { truncated: boolean }> {
    requireOperator(principal, 'the alarm load is for operators only');
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
