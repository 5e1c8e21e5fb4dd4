import { z } from 'zod';
import { DEFAULT_TOPIC_ROOT } from '@lg/contracts';
import { env, RUN_MODES } from './load';

/** Pieces every app composes into its own schema. Defaults suit `npm start` on one machine. */
export const modeSchema = z.object({
  /** `demo` seeds demo users and accepts demo credentials; `production` refuses both. */
  LG_MODE: z.enum(RUN_MODES).default('demo'),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** `json` lines or readable `text`; unset: `json` in production, `text` in the demo. */
  LOG_FORMAT: z.enum(['json', 'text']).optional(),
  /** Path of the registry JSON (companies, devices, zones, responsibility chain). */
  REGISTRY_FILE: z.string().min(1).default('config/registry/longgang.json'),
  /** Set by `npm start`: its supervisor's status file, shown on `/ready` (which other apps are down). */
  STACK_STATUS_FILE: z.string().min(1).optional(),
});

export const redisSchema = z.object({
  REDIS_URL: env.url('redis://127.0.0.1:6379'),
  /** Prefix of every key, stream and queue: tests and tenants of one Redis use their own. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and - only')
    .default('lg'),
  /** Rule partitions: readings of one device always go to one partition, evaluated in order. */
  RULE_PARTITIONS: env.int(8, 1, 256),
});

export const influxSchema = z.object({
  INFLUX_URL: env.url('http://127.0.0.1:8086'),
  /** `v1`: InfluxDB 1.x `/write` (e.g. Debian's 1.6.7); `v2`: `/api/v2/write` (1.8+, 2.x, 3.x). */
  INFLUX_API: z.enum(['v1', 'v2']).default('v1'),
  /** Database (v1) or bucket (v2). */
  INFLUX_DB: z.string().min(1).default('longgang'),
  INFLUX_ORG: z.string().default(''),
  /** v2 token, or `user:password` for v1 with auth enabled; empty for none. */
  INFLUX_TOKEN: z.string().default(''),
  /** Create the database at start-up when missing (v1 only). */
  INFLUX_CREATE_DB: env.bool(true),
});

/** The InfluxDB connection these settings describe, in the storage layer's terms. */
export function influxConnection(c: z.infer<typeof influxSchema>) {
  return {
    url: c.INFLUX_URL,
    api: c.INFLUX_API,
    db: c.INFLUX_DB,
    org: c.INFLUX_ORG,
    token: c.INFLUX_TOKEN,
    createDb: c.INFLUX_CREATE_DB,
  };
}

export const mqttSchema = z.object({
  /** The broker's internal listener (ingest's identity exists only there), not the devices' one. */
  MQTT_URL: env.url('mqtt://127.0.0.1:1884'),
  MQTT_USERNAME: z.string().default('lg-ingest'),
  MQTT_PASSWORD: z.string().default('lg-ingest'),
  MQTT_TOPIC_ROOT: z
    .string()
    .regex(/^[^#+$][^#+]*[^/#+]$/, 'a topic prefix without wildcards')
    .default(DEFAULT_TOPIC_ROOT),
});

export const httpSchema = (defaultPort: number) =>
  z.object({
    HTTP_PORT: env.port(defaultPort),
    HTTP_HOST: z.string().default('127.0.0.1'),
  });
