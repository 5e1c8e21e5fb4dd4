import type { AnyRule } from './rule';
import { gasLel } from './rules/gas-lel';

/** Every rule of the platform, by name. The full default pack of domain.md grows here, one file a rule. */
export const RULES: readonly AnyRule[] = [gasLel];

export type RulePackConfig = Record<string, unknown>;

export class RuleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleConfigError';
  }
}

/** The defaults of every rule, merged with validated overrides. */
export function resolvePack(overrides: Record<string, unknown> = {}): RulePackConfig {
  const out: RulePackConfig = {};
  for (const rule of RULES) {
    const merged = { ...(rule.defaults as object), ...((overrides[rule.name] as object | undefined) ?? {}) };
    const parsed = rule.configSchema.safeParse(merged);
    if (!parsed.success) {
      throw new RuleConfigError(
        `${rule.name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'config'} ${i.message}`).join('; ')}`,
      );
    }
    out[rule.name] = parsed.data;
  }
  for (const name of Object.keys(overrides)) {
    if (!RULES.some((r) => r.name === name)) throw new RuleConfigError(`unknown rule ${name}`);
  }
  return out;
}
