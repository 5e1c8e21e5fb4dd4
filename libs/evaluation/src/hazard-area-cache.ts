import type Redis from 'ioredis';
import { VersionedHash } from '@lg/redis';
import { HazardIndex, type HazardArea, type Names } from '@lg/contracts';

/**
 * The worker's copy of the active hazard areas, for truck evaluation: the areas live in one Redis hash
 * (written with the slope and gas alerts that define them, in the same fenced script) with a version
 * counter. `refresh` reads only the counter and reloads the hash when it moved, so the hot path reads a
 * local index and never Redis; the worker refreshes once a second, which bounds how late a new or ended
 * hazard reaches the trucks.
 */
export class HazardAreaCache {
  private index = HazardIndex.EMPTY;
  private readonly source: VersionedHash;

  constructor(redis: Redis, n: Names) {
    this.source = new VersionedHash(redis, n.hazards, n.hazardsVersion);
  }

  current(): HazardIndex {
    return this.index;
  }

  /** Reloads the areas if their version moved; true when it did. */
  async refresh(): Promise<boolean> {
    const index = await this.source.reload(
      (raw, version) =>
        new HazardIndex(
          Object.values(raw).map((json) => JSON.parse(json) as HazardArea),
          version,
        ),
    );
    if (index === undefined) return false;
    this.index = index;
    return true;
  }
}
