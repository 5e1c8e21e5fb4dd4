import { stringOptions } from '@lg/config';
import { Registry } from '@lg/registry';
import { loadSimulatorConfig, type SimulatorConfig } from '../config';
import { parseDuration } from '../duration';

/** Flags every command accepts (node:util parseArgs option table). */
export const COMMON_OPTIONS = {
  ...stringOptions('url', 'root', 'registry', 'mode', 'secrets', 'devices'),
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Flags of the commands that drive a fleet (run, load, scenario) besides: `--seed` of the readings'
 * randomness (SIM_SEED), and how trucks report, `--protocol mqtt|jt808` and `--jt808 tcp://host:port`
 * (SIM_PROTOCOL, SIM_JT808_URL).
 */
export const FLEET_OPTIONS = {
  ...COMMON_OPTIONS,
  ...stringOptions('seed', 'protocol', 'jt808'),
} as const;

export interface CommonFlags {
  url?: string;
  root?: string;
  registry?: string;
  mode?: string;
  secrets?: string;
  speedup?: string;
  seed?: string;
  gateway?: string;
  user?: string;
  password?: string;
  redis?: string;
  'redis-prefix'?: string;
  'clock-settle-ms'?: string;
  protocol?: string;
  jt808?: string;
}

export function configFrom(flags: CommonFlags): SimulatorConfig {
  return loadSimulatorConfig({
    MQTT_URL: flags.url,
    MQTT_TOPIC_ROOT: flags.root,
    REGISTRY_FILE: flags.registry,
    LG_MODE: flags.mode,
    SIM_SECRETS_FILE: flags.secrets,
    SIM_SPEEDUP: flags.speedup,
    SIM_SEED: flags.seed,
    SIM_GATEWAY_URL: flags.gateway,
    SIM_OPERATOR_USER: flags.user,
    SIM_OPERATOR_PASSWORD: flags.password,
    SIM_REDIS_URL: flags.redis,
    SIM_REDIS_PREFIX: flags['redis-prefix'],
    SIM_CLOCK_SETTLE_MS: flags['clock-settle-ms'],
    SIM_PROTOCOL: flags.protocol,
    SIM_JT808_URL: flags.jt808,
  });
}

export function loadRegistry(config: SimulatorConfig): Registry {
  return Registry.load(config.REGISTRY_FILE);
}

/** A mistake in how the command was called: exit code 2 and a pointer to --help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A duration flag (`90s`, `10m`, …) in ms; `fallback` when it is not given. */
export function durationFlag(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  try {
    return parseDuration(text);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

/** `tcp://host:port` (validated by the config schema) as a socket address. */
export function jt808Address(url: string): { host: string; port: number } {
  const [host, port] = url.slice('tcp://'.length).split(':');
  return { host, port: Number(port) };
}
