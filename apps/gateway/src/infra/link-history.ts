import { Injectable } from '@nestjs/common';
import { PLATFORM_LINK_HISTORY_MAX, platformLinkHistoryKey, type PlatformLinkState } from '@lg/contracts';
import { GatewayRedis } from './redis';

/** A kept change: its time is its stream entry's (when ingest recorded it). */
export interface KeptLinkChange {
  state: PlatformLinkState;
  at: number;
}

/**
 * Reads the company platforms' link histories that ingest keeps (a capped Redis stream per company). Each
 * read is bounded by the history's cap.
 */
@Injectable()
export class LinkHistory {
  constructor(private readonly redis: GatewayRedis) {}

  /** The newest change before `before` (the state then), or undefined when none is kept. */
  async stateBefore(company: string, before: number): Promise<KeptLinkChange | undefined> {
    const key = platformLinkHistoryKey(this.redis.names.prefix, company);
    const page = await this.redis.commands.xrevrange(key, `${Math.max(0, before - 1)}`, '-', 'COUNT', 1);
    return page.length > 0 ? parseEntry(page[0][0], page[0][1]) : undefined;
  }

  /** The changes in [from, to), oldest first. */
  async within(company: string, from: number, to: number): Promise<KeptLinkChange[]> {
    const key = platformLinkHistoryKey(this.redis.names.prefix, company);
    const page = await this.redis.commands.xrange(
      key,
      `${Math.max(0, from)}`,
      `${Math.max(0, to - 1)}`,
      'COUNT',
      PLATFORM_LINK_HISTORY_MAX + 100,
    );
    return page.flatMap(([id, fields]) => {
      const c = parseEntry(id, fields);
      return c ? [c] : [];
    });
  }
}

function parseEntry(id: string, fields: string[]): KeptLinkChange | undefined {
  const i = fields.indexOf('s');
  const state = i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
  const at = Number(id.split('-')[0]);
  if ((state !== 'online' && state !== 'offline') || !Number.isFinite(at)) return undefined;
  return { state, at };
}
