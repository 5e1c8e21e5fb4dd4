import { Injectable } from '@nestjs/common';
import { DUTY_CHECK_STATUSES, type DutyCheckView } from '@lg/contracts';
import { dutyKeys } from '@lg/duty';
import { GatewayRedis } from '../infra/redis';
import { ChannelFeed } from './channel-feed';

/** Duty checks asked and answered (announced on a pub/sub channel), handed to this gateway's own clients. */
@Injectable()
export class DutyFeed extends ChannelFeed {
  constructor(redis: GatewayRedis) {
    super(redis, 'duty');
  }

  start(onCheck: (check: DutyCheckView) => void): Promise<void> {
    return this.listen(dutyKeys(this.redis.names.prefix).channel, (message) => {
      const v = this.read(message, 'object') as Partial<DutyCheckView> | undefined;
      if (
        v &&
        typeof v.id === 'string' &&
        typeof v.company === 'string' &&
        DUTY_CHECK_STATUSES.includes(v.status!)
      )
        onCheck(v as DutyCheckView);
    });
  }
}
