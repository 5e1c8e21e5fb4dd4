import type { Device, Registry } from '@lg/registry';
import { ScenarioError, type AlertExpectation, type Scenario } from './schema';

/**
 * Device groups of a scenario (alarm floods): which registry devices a group stands for, and what a step or
 * expectation naming the group means for each member. Pure.
 */

/** The alias a group member goes by in a plan: `fleet:T149` (a colon never appears in a file's aliases). */
export function memberAlias(group: string, device: string): string {
  return `${group}:${device}`;
}

/**
 * Each group's members: the first `count` devices of its kind and owner in registry order, leaving out the
 * devices the scenario names on their own (they have parts of their own to play). Refused, naming the
 * numbers, when the registry's fleet is smaller than the group.
 */
export function resolveGroups(scenario: Scenario, registry: Registry): Record<string, Device[]> {
  const own = new Set(Object.values(scenario.devices));
  const out: Record<string, Device[]> = {};
  for (const [alias, g] of Object.entries(scenario.groups)) {
    if (!registry.isOwner(g.owner))
      throw new ScenarioError(`${scenario.name}: group "${alias}": the registry has no owner ${g.owner}`);
    const fleet = registry.allDevices().filter((d) => d.kind === g.kind && d.owner === g.owner);
    const members = fleet.filter((d) => !own.has(d.id)).slice(0, g.count);
    if (members.length < g.count) {
      throw new ScenarioError(
        `${scenario.name}: group "${alias}" needs ${g.count} ${g.kind} devices of ${g.owner}; the registry ` +
          `has ${fleet.length}${fleet.length !== members.length ? ` (${fleet.length - members.length} named on their own)` : ''}. ` +
          `Run it against a platform whose registry has a larger fleet (docs/simulators.md, "Floods")`,
      );
    }
    out[alias] = members;
  }
  return out;
}

/** Alert expectations with each one naming a group replaced by one per member, under the member's alias. */
export function expandAlertExpectations(
  expected: readonly AlertExpectation[],
  groups: Readonly<Record<string, readonly Device[]>>,
): AlertExpectation[] {
  return expected.flatMap((e) => {
    const members = groups[e.device];
    return members ? members.map((d) => ({ ...e, device: memberAlias(e.device, d.id) })) : [e];
  });
}
