import type Redis from 'ioredis';

/**
 * A process's copy of one Redis hash that its writers version with a counter (hazard areas, closures,
 * inhibition causes): `reload` reads only the counter, and the whole hash only when the counter moved since
 * the last reload, so a caller can poll it every second and keep a local view for its hot path.
 */
export class VersionedHash {
  private version: string | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly hashKey: string,
    private readonly versionKey: string,
  ) {}

  /**
   * `build`'s view of the hash when its version moved, else undefined. A `build` that throws leaves the
   * version as it was, so the next reload tries again.
   */
  async reload<T>(build: (raw: Record<string, string>, version: string) => T): Promise<T | undefined> {
    const version = (await this.redis.get(this.versionKey)) ?? '0';
    if (version === this.version) return undefined;
    const view = build(await this.redis.hgetall(this.hashKey), version);
    this.version = version;
    return view;
  }
}
