import { readFileSync } from 'node:fs';
import type Redis from 'ioredis';
import { issuesText, type Names } from '@lg/contracts';
import { VersionedHash } from '@lg/redis';
import type { Registry } from '@lg/registry';
import {
  checkOverrideTargets,
  resolvePack,
  RuleConfigError,
  ruleOverrideSchema,
  type RuleOverride,
  type RulePack,
  type RulePackOverrides,
} from '@lg/rules';

/**
 * Where the rule pack comes from: the rules' defaults, then the pack file (`RULE_PACK_FILE`), then live
 * changes made through `PUT /api/rules/{rule}`, kept in Redis and announced on a channel so that every
 * worker applies them at once. Each change also moves a version counter that workers poll, so that one
 * whose announcement was lost (a subscriber connection replaced) is applied all the same within a poll.
 * A change is validated against the whole pack before it is stored.
 */
export class RulePackStore {
  private readonly file: RulePackOverrides;
  private readonly stored: VersionedHash;

  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    filePath: string | undefined,
  ) {
    this.file = filePath ? readPackFile(filePath) : {};
    this.stored = new VersionedHash(redis, n.rulePack, n.rulePackVersion);
  }

  /** The pack without live changes: what a worker applies before Redis has answered. */
  resolveFileOnly(): RulePack {
    return resolvePack(this.file);
  }

  async live(): Promise<RulePackOverrides> {
    return overridesOf(await this.redis.hgetall(this.n.rulePack));
  }

  async resolve(): Promise<RulePack> {
    return resolvePack(this.file, await this.live());
  }

  /**
   * The pack when its live changes moved since the last call that returned one (the first call always
   * does), else undefined: one GET when nothing moved, so a worker can call it every second. A pack that
   * does not resolve throws, and the next call tries again.
   */
  changed(): Promise<RulePack | undefined> {
    return this.stored.reload((raw) => resolvePack(this.file, overridesOf(raw)));
  }

  /**
   * Replaces the live override of one rule. Throws `RuleConfigError` naming what is wrong; with a registry,
   * also when the override names an owner or device that is not registered or not of the rule's kinds.
   */
  async update(rule: string, body: unknown, registry?: Registry): Promise<RulePack> {
    const parsed = ruleOverrideSchema.safeParse(body);
    if (!parsed.success) {
      throw new RuleConfigError(`${rule}: ${issuesText(parsed.error, { root: 'body', separator: ' ' })}`);
    }
    if (registry) checkOverrideTargets(rule, body, registry);
    const live = await this.live();
    const pack = resolvePack(this.file, { ...live, [rule]: parsed.data });
    await this.redis
      .multi()
      .hset(this.n.rulePack, rule, JSON.stringify(parsed.data))
      .incr(this.n.rulePackVersion)
      .publish(this.n.rulesChannel, rule)
      .exec();
    return pack;
  }
}

function overridesOf(raw: Record<string, string>): RulePackOverrides {
  const out: RulePackOverrides = {};
  for (const [rule, json] of Object.entries(raw)) out[rule] = JSON.parse(json) as RuleOverride;
  return out;
}

function readPackFile(path: string): RulePackOverrides {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RuleConfigError(`cannot read rule pack file ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as RulePackOverrides;
  } catch (err) {
    throw new RuleConfigError(`rule pack file ${path} is not JSON: ${(err as Error).message}`);
  }
}
