import type { RegistryData } from '@lg/registry';
import type { Scenario } from './schema';

/**
 * A registry for the alarm-flood scenarios. Their groups ask for fleets of one company larger than the
 * committed Longgang fixture's (8–18 trucks a company): this grows each company a group names with trucks
 * `TF-<company>-001`… (10 s interval, plates `粤BF…`) until it has enough for every group of it — the
 * group's own count plus the devices the scenario names on its own. Nothing else changes, so every other
 * scenario runs on it as on the fixture. Used by the tests that run the flood scenarios; write its output
 * to a file for `REGISTRY_FILE` to run them against a platform of your own (docs/simulators.md, "Floods").
 */
export function withFloodFleets(data: RegistryData, scenarios: readonly Scenario[]): RegistryData {
  const needed = new Map<string, number>();
  for (const s of scenarios) {
    for (const g of Object.values(s.groups)) {
      if (g.kind !== 'truck')
        throw new Error(`${s.name}: only truck groups can be grown (a ${g.kind} needs a place)`);
      const own = Object.values(s.devices).length;
      needed.set(g.owner, Math.max(needed.get(g.owner) ?? 0, g.count + own));
    }
  }
  const devices = [...data.devices];
  for (const [owner, count] of needed) {
    const have = devices.filter((d) => d.kind === 'truck' && d.owner === owner).length;
    for (let n = 1; n <= count - have; n++) {
      const serial = String(n).padStart(3, '0');
      devices.push({
        id: `TF-${owner}-${serial}`,
        kind: 'truck',
        owner,
        name: `${owner} 洪泛演练车 ${serial}`,
        intervalSec: 10,
        plate: `粤BF${owner.slice(-2)}${serial}`,
        plateColor: 2,
      });
    }
  }
  return { ...data, devices };
}
