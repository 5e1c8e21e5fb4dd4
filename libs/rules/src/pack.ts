import { z } from 'zod';
import { issuesText, type DeviceKind } from '@lg/contracts';
import type { Device, Registry } from '@lg/registry';
import type { AnyRule } from './rule';
import { RULES } from './table';

/**
 * The rule pack: every rule's thresholds, from the rule's defaults, the pack file
 * (`config/rules/pack.json`) and live changes (`PUT /api/rules/{rule}`), with overrides per owner
 * (a company, a slope site, a pipeline network) and per device. Every effective configuration is validated
 * when the pack is resolved, so a bad value is refused before it reaches a rule.
 */
export const ruleOverrideSchema = z
  .object({
    enabled: z.boolean().optional(),
    config: z.record(z.unknown()).optional(),
    owners: z.record(z.record(z.unknown())).optional(),
    devices: z.record(z.record(z.unknown())).optional(),
  })
  .strict();

export type RuleOverride = z.infer<typeof ruleOverrideSchema>;
export type RulePackOverrides = Record<string, RuleOverride>;

export interface ResolvedRule {
  rule: AnyRule;
  enabled: boolean;
  config: unknown;
  owners: Map<string, unknown>;
  devices: Map<string, unknown>;
}

export interface RulePack {
  rules: Map<string, ResolvedRule>;
}

export class RuleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleConfigError';
  }
}

function validate(rule: AnyRule, where: string, value: object): unknown {
  const parsed = rule.configSchema.safeParse(value);
  if (!parsed.success) {
    throw new RuleConfigError(`${rule.name}${where}: ${issuesText(parsed.error, { root: 'config' })}`);
  }
  return parsed.data;
}

/** Merges the defaults with each layer of overrides (later layers win) and validates every result. */
export function resolvePack(...layers: RulePackOverrides[]): RulePack {
  for (const layer of layers) {
    for (const name of Object.keys(layer)) {
      if (!RULES.some((r) => r.name === name)) throw new RuleConfigError(`unknown rule ${name}`);
      const shape = ruleOverrideSchema.safeParse(layer[name]);
      if (!shape.success) {
        throw new RuleConfigError(`${name}: ${issuesText(shape.error, { separator: ' ' })}`);
      }
    }
  }
  const rules = new Map<string, ResolvedRule>();
  for (const rule of RULES) {
    const mine = layers.map((l) => l[rule.name]).filter((o): o is RuleOverride => o !== undefined);
    const base = Object.assign({}, rule.defaults as object, ...mine.map((o) => o.config ?? {})) as object;
    const resolved: ResolvedRule = {
      rule,
      enabled: mine.reduce<boolean>((on, o) => o.enabled ?? on, true),
      config: validate(rule, '', base),
      owners: new Map(),
      devices: new Map(),
    };
    for (const kind of ['owners', 'devices'] as const) {
      const merged = new Map<string, object>();
      for (const o of mine)
        for (const [id, v] of Object.entries(o[kind] ?? {})) merged.set(id, { ...merged.get(id), ...v });
      for (const [id, v] of merged)
        resolved[kind].set(id, validate(rule, ` (${kind.slice(0, -1)} ${id})`, { ...base, ...v }));
    }
    rules.set(rule.name, resolved);
  }
  return { rules };
}

function ownerKind(registry: Registry, id: string): DeviceKind | undefined {
  if (registry.company(id)) return 'truck';
  if (registry.slopeSite(id)) return 'slope';
  if (registry.data.pipelineNetworks.some((p) => p.id === id)) return 'gas';
  return undefined;
}

/**
 * The owners and devices an override names must be registered, and of a kind the rule applies to: a typo
 * in an ID would otherwise be stored and apply to nothing. Checked on `PUT /api/rules/{rule}` (the pack file
 * may serve a larger registry than one process knows). Throws `RuleConfigError` naming the key.
 */
export function checkOverrideTargets(ruleName: string, override: unknown, registry: Registry): void {
  const rule = RULES.find((r) => r.name === ruleName);
  if (!rule) throw new RuleConfigError(`unknown rule ${ruleName}`);
  const o = override as { owners?: object; devices?: object } | null;
  for (const id of Object.keys(o?.owners ?? {})) {
    const kind = ownerKind(registry, id);
    if (!kind) throw new RuleConfigError(`${ruleName}: owners.${id}: no such owner in the registry`);
    if (!rule.kinds.includes(kind))
      throw new RuleConfigError(
        `${ruleName}: owners.${id}: owns ${kind} devices, the rule is for ${rule.kinds.join(', ')}`,
      );
  }
  for (const id of Object.keys(o?.devices ?? {})) {
    const device = registry.device(id);
    if (!device) throw new RuleConfigError(`${ruleName}: devices.${id}: no such device in the registry`);
    if (!rule.kinds.includes(device.kind))
      throw new RuleConfigError(
        `${ruleName}: devices.${id}: is a ${device.kind}, the rule is for ${rule.kinds.join(', ')}`,
      );
  }
}

/** The configuration a rule applies to one device: the device's override, else its owner's, else the pack's. */
export function configFor(r: ResolvedRule, device: Device): unknown {
  return r.devices.get(device.id) ?? r.owners.get(device.owner) ?? r.config;
}

/** The pack as JSON for `GET /api/rules`: each rule's effective thresholds and overrides. */
export function describePack(pack: RulePack): Array<{
  rule: string;
  kinds: readonly string[];
  enabled: boolean;
  config: unknown;
  defaults: unknown;
  owners: Record<string, unknown>;
  devices: Record<string, unknown>;
}> {
  return [...pack.rules.values()].map((r) => ({
    rule: r.rule.name,
    kinds: r.rule.kinds,
    enabled: r.enabled,
    config: r.config,
    defaults: r.rule.defaults,
    owners: Object.fromEntries(r.owners),
    devices: Object.fromEntries(r.devices),
  }));
}
