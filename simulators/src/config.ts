import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError, env, loadConfig, mqttSchema, RUN_MODES } from '@lg/config';

/**
 * The simulator's settings: environment variables, each overridable by a command-line flag. Flags and
 * variables are checked by one schema, so a bad value is reported with both of its names.
 */
export const simulatorEnvSchema = z.object({
  /** `demo`: every identity's password is its name; `production`: passwords come from the secrets file. */
  LG_MODE: z.enum(RUN_MODES).default('demo'),
  REGISTRY_FILE: z.string().min(1).default('config/registry/longgang.json'),
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883`. */
  MQTT_URL: env.url('mqtt://127.0.0.1:1883'),
  MQTT_TOPIC_ROOT: mqttSchema.shape.MQTT_TOPIC_ROOT,
  /** JSON file `{"<username>": "<password>", ...}`, as written for `scripts/mqtt-auth`. */
  SIM_SECRETS_FILE: z.string().min(1).optional(),
  /** Divides every device's reporting interval. */
  SIM_SPEEDUP: z.coerce.number().positive().max(10_000).default(1),
  /** Seed of the fleet's randomness: the same seed replays the same behaviour. */
  SIM_SEED: env.int(1),
});

export type SimulatorConfig = z.infer<typeof simulatorEnvSchema>;

/** Command-line flag of each setting. */
export const FLAG_OF: Record<keyof SimulatorConfig, string> = {
  LG_MODE: '--mode',
  REGISTRY_FILE: '--registry',
  MQTT_URL: '--url',
  MQTT_TOPIC_ROOT: '--root',
  SIM_SECRETS_FILE: '--secrets',
  SIM_SPEEDUP: '--speedup',
  SIM_SEED: '--seed',
};

/**
 * The environment overridden by the flags given, validated once. `environment` defaults to the process's
 * (read by `loadConfig`, the one place that does).
 */
export function loadSimulatorConfig(
  flags: Partial<Record<keyof SimulatorConfig, string | undefined>>,
  environment?: Record<string, string | undefined>,
): SimulatorConfig {
  const overrides = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const schema = z.preprocess(
    (vars) => ({ ...(vars as Record<string, string | undefined>), ...overrides }),
    simulatorEnvSchema,
  );
  try {
    return environment ? loadConfig(schema, environment) : loadConfig(schema);
  } catch (err) {
    if (err instanceof ConfigError) {
      throw new ConfigError(
        err.problems.map((problem) => {
          const flag = FLAG_OF[problem.split(':')[0] as keyof SimulatorConfig];
          return flag ? `${flag} / ${problem}` : problem;
        }),
      );
    }
    throw err;
  }
}

export class SecretsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretsError';
  }
}

/**
 * How the simulator finds an identity's MQTT password. A secrets file wins when given; without one, demo
 * mode uses the name itself and production mode refuses to guess.
 */
export function passwordSource(
  config: Pick<SimulatorConfig, 'LG_MODE' | 'SIM_SECRETS_FILE'>,
): (username: string) => string {
  if (config.SIM_SECRETS_FILE) {
    const file = config.SIM_SECRETS_FILE;
    let secrets: unknown;
    try {
      secrets = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new SecretsError(`cannot read the secrets file ${file} (JSON {"<username>": "<password>"})`, {
        cause: err,
      });
    }
    const parsed = z.record(z.string()).safeParse(secrets);
    if (!parsed.success)
      throw new SecretsError(`${file} must be a JSON object of username → password strings`);
    const table = parsed.data;
    return (username) => {
      const password = table[username];
      if (password === undefined) throw new SecretsError(`${file} has no password for ${username}`);
      return password;
    };
  }
  if (config.LG_MODE === 'production') {
    throw new SecretsError(
      'LG_MODE=production needs device secrets: pass --secrets FILE or set SIM_SECRETS_FILE',
    );
  }
  return (username) => username;
}
