import type Redis from 'ioredis';
import {
  PLATFORM_LINK_HISTORY_MAX,
  PLATFORM_LINK_HISTORY_MAX_AGE_MS,
  parsePlatformLinkPayload,
  causesKey,
  causesVersionKey,
  gatewayCause,
  gatewayLinkHistoryKey,
  linkCause,
  parseStatusTopic,
  platformLinkChannel,
  type CauseState,
  platformLinkHistoryKey,
  type PlatformLinkChange,
} from '@lg/contracts';

/**
 * Appends a change only when it differs from the newest kept state (a retained status read again after a
 * reconnect, or an "online" sent twice, is no change), trims by count and age, announces it. Atomic, so
 * two ingest instances that both receive one company's status cannot both record it.
 * The change also sets the company's cause state (docs/rules.md, "Inhibition") and moves its version.
 * KEYS: history, causes hash, causes version; ARGV: state, max count, min ID (ms), channel, the change's
 * JSON, cause ID, cause state JSON. No channel (''): nothing announced (a gateway's change).
 */
const RECORD_CHANGE = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
if last[1] ~= nil then
  local f = last[1][2]
  for i = 1, #f, 2 do
    if f[i] == 's' and f[i + 1] == ARGV[1] then return 0 end
  end
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 's', ARGV[1])
redis.call('XTRIM', KEYS[1], 'MINID', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[6], ARGV[7])
redis.call('INCR', KEYS[3])
if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[5]) end
return 1
`;

export interface PlatformLinksOptions {
  root: string;
  prefix: string;
  /** Only these companies' links are kept (the registry's): the number of histories is fixed. */
  isCompany: (id: string) => boolean;
  /** The owner of a registered site or network gateway (undefined: not one): likewise bounded. */
  gatewayOwner?: (gateway: string) => string | undefined;
  maxPerCompany?: number;
  maxAgeMs?: number;
  now?: () => number;
}

/**
 * Keeps each company platform's link changes (`{root}/_status/{company}/platform/link`, docs/contract.md)
 * in a capped Redis stream per company and announces them for `/live`. Status messages are rare (a
 * connect, a dropped connection): nothing here runs per reading beyond the topic's prefix test.
 */
export class PlatformLinks {
  private readonly max: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  /** `{root}/_status/`, built once: `handles` runs for every message and allocates nothing. */
  private readonly branch: string;

  constructor(
    private readonly redis: Redis,
    private readonly o: PlatformLinksOptions,
  ) {
    this.max = o.maxPerCompany ?? PLATFORM_LINK_HISTORY_MAX;
    this.maxAgeMs = o.maxAgeMs ?? PLATFORM_LINK_HISTORY_MAX_AGE_MS;
    this.now = o.now ?? Date.now;
    this.branch = `${o.root}/_status/`;
  }

  /** Is this a status message (not telemetry)? */
  handles(topic: string): boolean {
    return topic.startsWith(this.branch);
  }

  /**
   * Records a status message; resolves to the change kept (what changed and its new state), or undefined
   * when it changed nothing. Throws with the reason a message is refused (not a company's link topic or a
   * registered gateway's, not the contract's payload).
   */
  async onStatus(
    topic: string,
    payload: Buffer,
  ): Promise<{ subject: string; state: PlatformLinkChange['state'] } | undefined> {
    const subject = parseStatusTopic(this.o.root, topic);
    if (subject === undefined)
      throw new Error('not {root}/_status/{companyId}/platform/link nor {root}/_status/{owner}/gateway/{id}');
    if (subject.t === 'platform' && !this.o.isCompany(subject.company))
      throw new Error(`${subject.company} is not a transport company of the registry`);
    if (subject.t === 'gateway' && this.o.gatewayOwner?.(subject.gateway) !== subject.owner)
      throw new Error(`${subject.gateway} is not a gateway of ${subject.owner} in the registry`);
    const parsed = parsePlatformLinkPayload(payload);
    if (!parsed.ok) {
      // An empty retained message is how a status is cleared: nothing to record, nothing wrong.
      if (payload.length === 0) return undefined;
      throw new Error(parsed.error);
    }
    const now = this.now();
    const at = new Date(now).toISOString();
    const cause: CauseState = { state: parsed.state === 'offline' ? 'down' : 'up', since: now };
    const [history, channel, announced, causeId, name] =
      subject.t === 'platform'
        ? [
            platformLinkHistoryKey(this.o.prefix, subject.company),
            platformLinkChannel(this.o.prefix),
            JSON.stringify({
              company: subject.company,
              state: parsed.state,
              at,
            } satisfies PlatformLinkChange),
            linkCause(subject.company),
            subject.company,
          ]
        : [
            gatewayLinkHistoryKey(this.o.prefix, subject.gateway),
            '',
            JSON.stringify({ gateway: subject.gateway, state: parsed.state, at }),
            gatewayCause(subject.gateway),
            `gateway ${subject.gateway}`,
          ];
    const added = await this.redis.eval(
      RECORD_CHANGE,
      3,
      history,
      causesKey(this.o.prefix),
      causesVersionKey(this.o.prefix),
      parsed.state,
      String(this.max),
      String(Math.max(0, now - this.maxAgeMs)),
      channel,
      announced,
      causeId,
      JSON.stringify(cause),
    );
    return added === 1 ? { subject: name, state: parsed.state } : undefined;
  }
}
