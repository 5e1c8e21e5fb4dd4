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
  /** The gateway whose `/live` feed and REST API scenarios check their expectations against. */
  SIM_GATEWAY_URL: env.url('http://127.0.0.1:3000'),
  /** Operator login for scenarios (`POST /api/auth/login`); demo mode seeds operator/operator. */
  SIM_OPERATOR_USER: z.string().min(1).default('operator'),
  /** Its password; demo mode defaults to the user name, production mode requires it. */
  SIM_OPERATOR_PASSWORD: z.string().min(1).optional(),
  /** The platform's Redis, only for scenarios that move its test clock (LG_TEST_CLOCK on the worker). */
  SIM_REDIS_URL: z.string().url().optional(),
  /** The platform's REDIS_PREFIX (where the test clock's offset is kept). */
  SIM_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/)
    .default('lg'),
  /** How long after moving the test clock the worker has surely read it: two of its timer rounds, ms. */
  SIM_CLOCK_SETTLE_MS: env.int(2000, 0, 60_000),
  /** `run`: how the trucks report: MQTT (default) or as JT/T 808 terminals through the JT/T 808 gateway. */
  SIM_PROTOCOL: z.enum(['mqtt', 'jt808']).default('mqtt'),
  /** The JT/T 808 gateway, `tcp://host:port`. */
  SIM_JT808_URL: z
    .string()
    .regex(/^tcp:\/\/[^:/]+:\d{1,5}$/, 'tcp://host:port')
    .default('tcp://127.0.0.1:6808'),
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
  SIM_GATEWAY_URL: '--gateway',
  SIM_OPERATOR_USER: '--user',
  SIM_OPERATOR_PASSWORD: '--password',
  SIM_REDIS_URL: '--redis',
  SIM_REDIS_PREFIX: '--redis-prefix',
  SIM_CLOCK_SETTLE_MS: '--clock-settle-ms',
  SIM_PROTOCOL: '--protocol',
  SIM_JT808_URL: '--jt808',
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

/** The operator password for scenarios: given, else the user name in demo mode; production must give it. */
export function operatorPassword(
  config: Pick<SimulatorConfig, 'LG_MODE' | 'SIM_OPERATOR_USER' | 'SIM_OPERATOR_PASSWORD'>,
): string {
  if (config.SIM_OPERATOR_PASSWORD) return config.SIM_OPERATOR_PASSWORD;
  if (config.LG_MODE === 'production') {
    throw new SecretsError(
      'LG_MODE=production needs the operator password: --password or SIM_OPERATOR_PASSWORD',
    );
  }
  return config.SIM_OPERATOR_USER;
}
