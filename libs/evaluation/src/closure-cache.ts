import type Redis from 'ioredis';
import { closureZone, type Closure, type Names, type RestrictedZone } from '@lg/contracts';

/**
 * The worker's copy of the temporary closures, as restricted zones for `truck.restricted_zone`: like the
 * hazard areas, one Redis hash with a version counter, reloaded only when the version moved (announced on
 * a channel, polled once a second). Lifted closures and those long over are left out; the rule checks each
 * closure's validity against the fix's event time.
 */
export class ClosureCache {
  private zones: readonly RestrictedZone[] = [];
  private version: string | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    /** Closures that ended more than this long ago are dropped (late fixes are judged up to it), ms. */
    private readonly keepEndedMs = 3600_000,
  ) {}

  current(): readonly RestrictedZone[] {
    return this.zones;
  }

  async refresh(now = Date.now()): Promise<boolean> {
    const version = (await this.redis.get(this.n.closuresVersion)) ?? '0';
    if (version === this.version) return false;
    const raw = await this.redis.hgetall(this.n.closures);
    this.zones = Object.values(raw)
      .map((json) => closureZone(JSON.parse(json) as Closure))
      .filter(
        (z) => (z.validTo ?? Infinity) > now - this.keepEndedMs && (z.validTo ?? 0) > (z.validFrom ?? 0),
      );
    this.version = version;
    return true;
  }
}
