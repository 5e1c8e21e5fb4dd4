import type Redis from 'ioredis';
import { VersionedHash } from '@lg/redis';
import { closureZone, type Closure, type Names, type RestrictedZone } from '@lg/contracts';

/**
 * The worker's copy of the temporary closures, as restricted zones for `truck.restricted_zone`: like the
 * hazard areas, one Redis hash with a version counter, reloaded only when the version moved (announced on
 * a channel, polled once a second). Lifted closures and those long over are left out; the rule checks each
 * closure's validity against the fix's event time.
 */
export class ClosureCache {
  private zones: readonly RestrictedZone[] = [];
  private readonly source: VersionedHash;

  constructor(
    redis: Redis,
    n: Names,
    /** Closures that ended more than this long ago are dropped (late fixes are judged up to it), ms. */
    private readonly keepEndedMs = 3600_000,
  ) {
    this.source = new VersionedHash(redis, n.closures, n.closuresVersion);
  }

  current(): readonly RestrictedZone[] {
    return this.zones;
  }

  async refresh(now = Date.now()): Promise<boolean> {
    const zones = await this.source.reload((raw) =>
      Object.values(raw)
        .map((json) => closureZone(JSON.parse(json) as Closure))
        .filter(
          (z) => (z.validTo ?? Infinity) > now - this.keepEndedMs && (z.validTo ?? 0) > (z.validFrom ?? 0),
        ),
    );
    if (zones === undefined) return false;
    this.zones = zones;
    return true;
  }
}
