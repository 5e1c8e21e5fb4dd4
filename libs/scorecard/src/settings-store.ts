import type Redis from 'ioredis';
import { parseScorecardSettings, type ScorecardSettings } from './settings';

/** The Redis key of the live scorecard settings under a prefix. */
export function scorecardSettingsKey(prefix: string): string {
  return `${prefix}:scorecard:settings`;
}

/**
 * The scorecard's point rules as an operator set them, kept in Redis (JSON of the overrides, validated
 * before they are stored) so that the gateway and every worker use the same. Keys not set take their
 * defaults, so a new default reaches everyone who did not override it.
 */
export class ScorecardSettingsStore {
  private readonly key: string;

  constructor(
    private readonly redis: Pick<Redis, 'get' | 'set'>,
    prefix: string,
    private readonly onInvalid: (message: string) => void = () => undefined,
  ) {
    this.key = scorecardSettingsKey(prefix);
  }

  /** The settings in force: the stored overrides over the defaults. */
  async get(): Promise<ScorecardSettings> {
    const json = await this.redis.get(this.key);
    if (json === null) return parseScorecardSettings({});
    try {
      return parseScorecardSettings(JSON.parse(json));
    } catch (err) {
      // Stored overrides were valid when stored; a later schema may refuse them: run on the defaults, loudly.
      this.onInvalid(
        `stored scorecard settings ignored: ${err instanceof Error ? err.message : String(err)}`,
      );
      return parseScorecardSettings({});
    }
  }

  /** The stored overrides, as given. */
  async overrides(): Promise<unknown> {
    const json = await this.redis.get(this.key);
    if (json === null) return {};
    try {
      return JSON.parse(json) as unknown;
    } catch {
      return {};
    }
  }

  /**
   * Replaces the overrides with `input` (validated first) and returns the settings now in force.
   *
   * @throws ScorecardSettingsError naming each bad key; nothing is stored then.
   */
  async replace(input: unknown): Promise<ScorecardSettings> {
    const settings = parseScorecardSettings(input);
    await this.redis.set(this.key, JSON.stringify(input ?? {}));
    return settings;
  }
}
