import { Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { DUTY_CHECK_STATUSES, type DutyCheckView } from '@lg/contracts';
import { dutyKeys } from '@lg/duty';
import { GatewayRedis } from '../infra/redis';

/** Duty checks asked and answered (announced on a pub/sub channel), handed to this gateway's own clients. */
@Injectable()
export class DutyFeed {
  private readonly logger = new Logger('duty');
  private subscriber: Redis | undefined;

  constructor(private readonly redis: GatewayRedis) {}

  async start(onCheck: (check: DutyCheckView) => void): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.openSubscriber('duty');
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => {
      try {
        const v = JSON.parse(message) as Partial<DutyCheckView>;
        if (
          typeof v.id === 'string' &&
          typeof v.company === 'string' &&
          DUTY_CHECK_STATUSES.includes(v.status!)
        )
          onCheck(v as DutyCheckView);
      } catch {
        this.logger.warn('ignored a duty-check message that is not JSON');
      }
    });
    await subscriber.subscribe(dutyKeys(this.redis.names.prefix).channel);
  }

  stop(): void {
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }
}
