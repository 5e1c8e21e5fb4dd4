import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseScenario, ScenarioError, type Scenario } from './schema';

/**
 * The scenario files, `simulators/scenarios/<name>.json`. Found from the working directory (the project
 * root, as `npm run sim` runs) or, failing that, by walking up from this module (dist/ or the sources).
 */
export function scenariosDir(explicit?: string): string {
  if (explicit) return resolve(explicit);
  const candidates = [resolve('simulators/scenarios')];
  for (let dir = __dirname; ; dir = dirname(dir)) {
    candidates.push(join(dir, 'simulators', 'scenarios'));
    if (dirname(dir) === dir) break;
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new ScenarioError(
      'cannot find simulators/scenarios: run from the project root or pass --scenarios DIR',
    );
  return found;
}

export function scenarioNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

export function loadScenario(dir: string, name: string): Scenario {
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) {
    throw new ScenarioError(`no scenario "${name}" in ${dir} (scenario --list shows them)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ScenarioError(`${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const scenario = parseScenario(json, file);
  if (scenario.name !== name)
    throw new ScenarioError(`${file}: name "${scenario.name}" must match the file name`);
  return scenario;
}

export function loadAllScenarios(dir: string): Scenario[] {
  return scenarioNames(dir).map((name) => loadScenario(dir, name));
}

/**
 * Devices the scenarios drive. The demo fleet leaves them alone (a scenario's readings are on its own
 * timeline; the fleet's live ones would make them late), so scenarios can run against `npm start`.
 */
export function scenarioDevices(scenarios: readonly Scenario[]): Set<string> {
  return new Set(scenarios.flatMap((s) => Object.values(s.devices)));
}
