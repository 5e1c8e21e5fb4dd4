import { Injectable } from '@nestjs/common';
import { ID_PATTERN, platformLinkChannel, type PlatformLinkChange } from '@lg/contracts';
import { GatewayRedis } from '../infra/redis';
import { ChannelFeed } from './channel-feed';

/** Company platforms' link changes as ingest keeps them (its pub/sub channel), handed to this gateway's clients. */
@Injectable()
export class LinksFeed extends ChannelFeed {
  constructor(redis: GatewayRedis) {
    super(redis, 'links');
  }

  start(onChange: (change: PlatformLinkChange) => void): Promise<void> {
    return this.listen(platformLinkChannel(this.redis.names.prefix), (message) => {
      const v = this.read(message, 'object') as Partial<PlatformLinkChange> | undefined;
      if (
        v &&
        typeof v.company === 'string' &&
        ID_PATTERN.test(v.company) &&
        (v.state === 'online' || v.state === 'offline') &&
        typeof v.at === 'string'
      )
        onChange({ company: v.company, state: v.state, at: v.at });
    });
  }
}
