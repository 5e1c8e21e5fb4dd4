/**
 * Writes Mosquitto's password files (hashed) and ACLs for a production deployment from the registry:
 *
 *   node dist/scripts/mqtt-auth.js --out deploy/mosquitto --passwords deploy/secrets/mqtt.json [--generate]
 *
 * The passwords file is JSON `{"<username>": "<password>", ...}` holding the ingest identity, every owner
 * (company, slope site, pipeline network) and every device of the registry. `--generate` adds a random
 * password for every identity that has none and saves the file; otherwise a missing one is an error. The
 * same file serves the simulator (`--secrets`). Needs `mosquitto_passwd` (Debian package mosquitto).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { booleanOptions, parseScriptArgs, stringOptions } from '@lg/config';
import { DEFAULT_TOPIC_ROOT, SIMULATOR_CONTROL_USERS } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { mqttIdentities, writeMosquittoAuth } from '@lg/services';

const USAGE = `Usage: node dist/scripts/mqtt-auth.js --out DIR --passwords FILE [options]

Writes, from the registry, the device listener's DIR/passwd and DIR/acl (every owner publishes only for
its own devices, every device only as itself, each reads only its own rejections) and the internal
listener's DIR/passwd-internal and DIR/acl-internal (the ingest identity reads everything under the root,
observers too). Passwords are hashed with mosquitto_passwd. Rotate a credential: change it in FILE, run this
again and send the broker SIGHUP; it drops the connections whose password changed, nothing else.

  --out DIR            where to write passwd, acl, passwd-internal, acl-internal (e.g. deploy/mosquitto)
  --passwords FILE     JSON {"<username>": "<password>"} with the ingest user, every owner and every device
  --generate           give every identity missing from FILE a random password and save FILE
  --registry FILE      default config/registry/longgang.json
  --root ROOT          topic root, default ${DEFAULT_TOPIC_ROOT}
  --ingest-user NAME   the ingest identity, default lg-ingest (its password: FILE[NAME])
  --observer NAME      an extra read-only identity over the whole root (repeatable; password from FILE)
  --allow-demo         accept passwords equal to the user name (demo only; refused otherwise)
  --simulators         also the demo fleet's and the scenario runs' control identities (${SIMULATOR_CONTROL_USERS.fleet},
                       ${SIMULATOR_CONTROL_USERS.scenario}: docs/simulators.md, "The demo yields devices to scenarios")
`;

const passwordsSchema = z.record(z.string().min(1, 'empty password'));

function main(): number {
  const values = parseScriptArgs(
    {
      ...stringOptions('out', 'passwords'),
      ...booleanOptions('generate', 'allow-demo', 'simulators'),
      registry: { type: 'string', default: 'config/registry/longgang.json' },
      root: { type: 'string', default: DEFAULT_TOPIC_ROOT },
      'ingest-user': { type: 'string', default: 'lg-ingest' },
      observer: { type: 'string', multiple: true, default: [] },
    },
    USAGE,
  );
  if (!values) return 0;
  if (!values.out || !values.passwords) {
    console.error(`mqtt-auth: --out and --passwords are required\n\n${USAGE}`);
    return 2;
  }
  const registry = Registry.load(values.registry);
  const file = values.passwords;
  let passwords: Record<string, string> = {};
  if (existsSync(file)) {
    const parsed = passwordsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} must be a JSON object of username → non-empty password`);
    passwords = parsed.data;
  } else if (!values.generate) {
    throw new Error(`${file} does not exist (use --generate to create it with random passwords)`);
  }

  const ingestUser = values['ingest-user'];
  const names = [
    ingestUser,
    ...values.observer,
    ...(values.simulators ? Object.values(SIMULATOR_CONTROL_USERS) : []),
    ...registry.data.companies.map((c) => c.id),
    ...registry.data.slopeSites.map((s) => s.id),
    ...registry.data.pipelineNetworks.map((p) => p.id),
    ...registry.allDevices().map((d) => d.id),
  ];
  const demo = names.filter((n) => passwords[n] === n);
  if (demo.length > 0 && !values['allow-demo']) {
    throw new Error(
      `demo passwords (equal to the user name) for ${demo.slice(0, 5).join(', ')}${demo.length > 5 ? ', …' : ''}: ` +
        'production refuses them (pass --allow-demo for a demo broker)',
    );
  }

  const missing = names.filter((n) => passwords[n] === undefined);
  if (missing.length > 0) {
    if (!values.generate) {
      const shown =
        missing.slice(0, 10).join(', ') + (missing.length > 10 ? `, … (${missing.length} in all)` : '');
      throw new Error(`${file} has no password for ${shown}; add them or pass --generate`);
    }
    for (const n of missing) passwords[n] = randomBytes(18).toString('base64url');
    writeFileSync(file, JSON.stringify(passwords, null, 2) + '\n', { mode: 0o600 });
    console.log(`mqtt-auth: generated ${missing.length} password(s) into ${file}`);
  }
  const password = (username: string): string => passwords[username];
  const identities = mqttIdentities(registry, {
    root: values.root,
    ingest: { username: ingestUser, password: password(ingestUser) },
    observers: values.observer.map((username) => ({ username, password: password(username) })),
    ...(values.simulators
      ? {
          simulators: {
            fleet: {
              username: SIMULATOR_CONTROL_USERS.fleet,
              password: password(SIMULATOR_CONTROL_USERS.fleet),
            },
            scenario: {
              username: SIMULATOR_CONTROL_USERS.scenario,
              password: password(SIMULATOR_CONTROL_USERS.scenario),
            },
          },
        }
      : {}),
    passwordOf: password,
  });
  writeMosquittoAuth(values.out, identities);
  const rel = (p: string): string => {
    const r = relative(process.cwd(), p);
    return r && !r.startsWith('..') ? r : p;
  };
  console.log(
    `mqtt-auth: wrote ${rel(join(values.out, 'passwd'))} (${identities.devices.users.length} registry ` +
      `identities, hashed), ${rel(join(values.out, 'acl'))}, ${rel(join(values.out, 'passwd-internal'))} ` +
      `(${identities.internal.users.length} internal) and ${rel(join(values.out, 'acl-internal'))}; a ` +
      'running broker picks them up on SIGHUP (docker compose kill -s HUP mosquitto)',
  );
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  const e = err as Error;
  console.error(`mqtt-auth: ${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}`);
  process.exitCode = 1;
}
