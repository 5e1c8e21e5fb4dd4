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
  /**
   * Redis Sentinels, `host:port,host:port,...`: when set, every connection asks them for the master of
   * `REDIS_MASTER_NAME` and follows a failover by itself; `REDIS_URL` is then not used.
   */
  REDIS_SENTINELS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const out: Array<{ host: string; port: number }> = [];
      for (const item of v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(item);
        const port = m ? Number(m[2]) : 0;
        if (!m || port < 1 || port > 65535) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${item}" is not host:port` });
          return z.NEVER;
        }
        out.push({ host: m[1].replace(/^\[|\]$/g, ''), port });
      }
      return out;
    }),
  /** The master's name in the sentinels' configuration (`sentinel monitor <name> ...`). */
  REDIS_MASTER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _, . and - only')
    .default('lg-redis'),
  /** Password of the Redis servers (`requirepass`); with `REDIS_URL` it may be in the URL instead. */
  REDIS_PASSWORD: z.string().default(''),
  /** Password of the sentinels themselves, when they require one. */
  REDIS_SENTINEL_PASSWORD: z.string().default(''),
});

/** The Redis these settings describe, in `RedisConnections`' terms. */
export function redisEndpoint(c: z.infer<typeof redisSchema>) {
  if (c.REDIS_SENTINELS.length === 0) return { url: c.REDIS_URL, password: c.REDIS_PASSWORD || undefined };
  return {
    sentinels: c.REDIS_SENTINELS,
    masterName: c.REDIS_MASTER_NAME,
    password: c.REDIS_PASSWORD || undefined,
    sentinelPassword: c.REDIS_SENTINEL_PASSWORD || undefined,
  };
}

/** Durability across a failover, for the processes that acknowledge what Redis took (ingest). */
export const replicationSchema = z.object({
  /**
   * Replicas that must hold a group commit of the reading log before its messages are acknowledged to the
   * broker (Redis `WAIT`); 0: off. With Sentinel, 1 keeps an acknowledged reading through the loss of the
   * master.
   */
  REDIS_MIN_REPLICAS: env.int(0, 0, 16),
  /** How long one group commit waits for them, ms; short of it the commit is written again (not acknowledged). */
  REDIS_REPLICA_TIMEOUT_MS: env.int(1000, 10, 60_000),
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
  /**
   * Keep each kind of data in its own retention policy (v1 with an INFLUX_DB naming no RP): ingest creates
   * and migrates them and the aggregates' continuous queries at start-up. false: everything in one RP.
   */
  INFLUX_RETENTION: env.bool(true),
  /** Days truck readings are kept (raw_truck): the rules require at least 6 months. */
  RETENTION_TRUCK_DAYS: env.int(183, 183, 36_500),
  /** Days slope readings are kept (raw_slope). */
  RETENTION_SLOPE_DAYS: env.int(365, 1, 36_500),
  /** Days gas readings are kept (raw_gas). */
  RETENTION_GAS_DAYS: env.int(365, 1, 36_500),
  /**
   * Days alert transitions (with their handling), scorecard results and everything else are kept
   * (records): violation records and their handling at least 3 years.
   */
  RETENTION_RECORDS_DAYS: env.int(1096, 1096, 36_500),
  /** Days the 1-minute aggregates are kept (agg_1m). */
  RETENTION_MINUTE_DAYS: env.int(90, 1, 36_500),
  /** Days the 1-hour aggregates are kept (agg_1h). */
  RETENTION_HOUR_DAYS: env.int(1096, 1, 36_500),
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
    retention: c.INFLUX_RETENTION,
  };
}

/** The retention period of each tier, hours, in the storage layer's terms (`RetentionPeriods`). */
export function retentionPeriods(c: z.infer<typeof influxSchema>) {
  const h = (days: number) => days * 24;
  return {
    truck: h(c.RETENTION_TRUCK_DAYS),
    slope: h(c.RETENTION_SLOPE_DAYS),
    gas: h(c.RETENTION_GAS_DAYS),
    records: h(c.RETENTION_RECORDS_DAYS),
    minute: h(c.RETENTION_MINUTE_DAYS),
    hour: h(c.RETENTION_HOUR_DAYS),
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
