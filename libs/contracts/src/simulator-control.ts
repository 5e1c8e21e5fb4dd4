/**
 * The simulators' control branch (docs/simulators.md, "The demo yields devices to scenarios"): a scenario
 * run announces the devices it drives on `{root}/_sim/yield/{run}`, the demo fleet answers on
 * `{root}/_sim/yielded/{run}` and says it listens on `{root}/_sim/fleet`. Only these two broker identities
 * may use the branch (the broker's ACL and the simulators both take them from here).
 */
export const SIMULATOR_CONTROL_USERS = { fleet: 'lg-sim-fleet', scenario: 'lg-sim-scenario' } as const;

export const yieldTopic = (root: string, run: string): string => `${root}/_sim/yield/${run}`;
export const yieldedTopic = (root: string, run: string): string => `${root}/_sim/yielded/${run}`;
export const fleetTopic = (root: string): string => `${root}/_sim/fleet`;
