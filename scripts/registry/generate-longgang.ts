/**
 * Regenerates the synthetic district registry (docs/registry.md):
 *
 *   npm run build && node dist/scripts/registry/generate-longgang.js            # rewrite the fixture
 *   node dist/scripts/registry/generate-longgang.js --check                    # is the fixture current?
 *   node dist/scripts/registry/generate-longgang.js --synthetic 100000 --out /tmp/city.json
 *
 * Deterministic: the same seed writes the same file. Formatted with the project's Prettier settings so that
 * `prettier --check` accepts the result.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { booleanOptions, parseScriptArgs, stringOptions } from '@lg/config';
import { Registry } from '@lg/registry';
import {
  DEFAULT_REGISTRY_SEED,
  generateRegistry,
  withSyntheticDevices,
} from '../../simulators/src/district/generate';

const USAGE = `Usage: node dist/scripts/registry/generate-longgang.js [options]

Writes the synthetic Longgang registry: 11 streets, 109 communities and their grids, 12 companies with
156 hazmat trucks, 32 slope sites, six gas networks, restricted zones and expressway corridors.

  --out FILE        where to write (default config/registry/longgang.json)
  --seed N          generator seed (default ${DEFAULT_REGISTRY_SEED}, the committed fixture's)
  --synthetic N     append N synthetic load-test devices (LT…, LG…, LS…), as "sim load --synthetic" uses
  --check           write nothing; exit 1 if FILE differs from what would be generated
`;

async function format(json: string): Promise<string> {
  // Prettier is a development dependency: without it the file is still valid, just not Prettier's layout.
  try {
    const prettier = await import('prettier');
    const options = (await prettier.resolveConfig(resolve('config/registry/longgang.json'))) ?? {};
    return await prettier.format(json, { ...options, parser: 'json' });
  } catch {
    return json + '\n';
  }
}

async function main(): Promise<number> {
  const values = parseScriptArgs(
    {
      out: { type: 'string', default: 'config/registry/longgang.json' },
      ...stringOptions('seed', 'synthetic'),
      ...booleanOptions('check'),
    },
    USAGE,
  );
  if (!values) return 0;
  const seed = values.seed === undefined ? DEFAULT_REGISTRY_SEED : Number(values.seed);
  const synthetic = values.synthetic === undefined ? 0 : Number(values.synthetic);
  if (!Number.isInteger(seed) || !Number.isInteger(synthetic) || synthetic < 0) {
    console.error(`generate-longgang: --seed and --synthetic take whole numbers\n\n${USAGE}`);
    return 2;
  }
  let data = generateRegistry(seed);
  if (synthetic > 0) data = withSyntheticDevices(data, synthetic, seed);
  // Refuse to write anything the platform would refuse to load.
  Registry.parse(data);
  if (values.check) {
    let current: unknown;
    try {
      current = JSON.parse(readFileSync(values.out, 'utf8'));
    } catch (err) {
      console.error(`generate-longgang: cannot read ${values.out}: ${(err as Error).message}`);
      return 1;
    }
    if (!isDeepStrictEqual(current, JSON.parse(JSON.stringify(data)))) {
      console.error(`${values.out} differs from the generator's output (seed ${seed}): regenerate it`);
      return 1;
    }
    console.log(`${values.out} is current`);
    return 0;
  }
  writeFileSync(values.out, await format(JSON.stringify(data, null, 2)));
  const count = (kind: string): number => data.devices.filter((d) => d.kind === kind).length;
  console.log(
    `wrote ${values.out}: ${data.streets.length} streets, ${data.communities.length} communities, ` +
      `${data.grids.length} grids, ${data.companies.length} companies, ${count('truck')} trucks, ` +
      `${data.slopeSites.length} slope sites (${count('slope')} sensors), ${data.pipelineNetworks.length} ` +
      `gas networks (${count('gas')} detectors), ${data.zones?.length ?? 0} zones, ` +
      `${data.corridors?.length ?? 0} corridors`,
  );
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error('generate-longgang failed:', err);
    process.exitCode = 1;
  },
);
