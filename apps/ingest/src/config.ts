import { hostname } from 'node:os';
import { z } from 'zod';
import { MAX_BATCH_READINGS, REJECTION_HISTORY_MAX_COUNT } from '@lg/contracts';
import { DEFAULT_DEVICE_RATE_LIMIT, DEFAULT_OWNER_RATE_LIMIT } from '@lg/ingest';
import {
  env,
  httpSchema,
  influxSchema,
  loadConfig,
  modeSchema,
  mqttSchema,
  redisSchema,
  replicationSchema,
} from '@lg/config';

/** Every variable the ingest process reads, validated at start-up. */
export const ingestConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(replicationSchema)
  .merge(influxSchema)
  .merge(mqttSchema)
  .merge(httpSchema(3001))
  .merge(
    z.object({
      /**
       * Days of aggregates the first ingest process (INGEST_INDEX 0) recomputes from raw readings once a day
       * at 02:30 Asia/Shanghai, for readings stored after their continuous query ran (blind-area uploads,
       * late batches); 0: never.
       */
      AGGREGATE_RECOMPUTE_DAYS: env.int(2, 0, 31),
      /** Stable name of this ingest process: its MQTT client IDs and stream consumer names derive from it. */
      INGEST_INSTANCE: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,48}$/)
        .default(`ingest-${hostname()}`),
      /** MQTT connections of this process (throughput grows with them: see README). */
      INGEST_CONNECTIONS: env.int(8, 1, 64),
      /**
       * `owners`: each connection has exclusive persistent subscriptions to a share of the registry's owners
       * (survives broker restarts; scale out with INGEST_INSTANCES/INGEST_INDEX). `shared`: one shared
       * subscription (elastic, but Mosquitto 2.0 loses it on a broker restart).
       */
      INGEST_SUBSCRIPTION: z.enum(['owners', 'shared']).default('owners'),
      /** With `owners`: how many ingest processes split the owners, and which one this is (0-based). */
      INGEST_INSTANCES: env.int(1, 1, 64),
      INGEST_INDEX: env.int(0, 0, 63),
      INGEST_SHARE_GROUP: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,48}$/)
        .default('lg-ingest'),
      /** How long the broker keeps our sessions and queues for them while we are away, seconds. */
      MQTT_SESSION_EXPIRY_SEC: env.int(7 * 24 * 3600, 60),
      /** GPS drift point rule: a truck fix implying more than this speed from the previous one, km/h… */
      DRIFT_MAX_KMH: env.int(160, 1),
      /** …or jumping more than this many metres in under DRIFT_JUMP_SEC seconds, is stored unqualified (`drift`). */
      DRIFT_JUMP_M: env.int(1000, 1),
      DRIFT_JUMP_SEC: env.int(10, 1),
      /** Readings later than now + this are stored unqualified (`future_ts`), ms. */
      FUTURE_TOLERANCE_MS: env.int(60_000, 0),
      /**
       * Per-device rate limit (token bucket, in readings): readings per second a device may keep up; 0 turns
       * the limit off. Beyond it a message is refused whole and reported as `rate_limited`.
       */
      INGEST_DEVICE_RATE: env.int(DEFAULT_DEVICE_RATE_LIMIT.ratePerSec, 0, 1_000_000),
      /** …and how many readings a quiet device may send at once (a backlog); at least one full batch. */
      INGEST_DEVICE_BURST: env.int(DEFAULT_DEVICE_RATE_LIMIT.burst, MAX_BATCH_READINGS, 100_000_000),
      /**
       * Per-owner rate limit, checked before a payload is parsed (token bucket in units: one per message
       * and one per full KiB of payload): units per second an owner may keep up; 0 turns it off…
       */
      INGEST_OWNER_RATE: env.int(DEFAULT_OWNER_RATE_LIMIT.unitsPerSec, 0, 100_000_000),
      /** …and how many units an owner that was quiet may send at once (a replay after an outage). */
      INGEST_OWNER_BURST: env.int(DEFAULT_OWNER_RATE_LIMIT.burst, 1000, 1_000_000_000),
      /**
       * Ask each company its duty checks at random times of the working day (settings in Redis, see
       * docs/scorecard.md); off leaves only those operators ask (tests that count checks).
       */
      DUTY_CHECK_SCHEDULE: env.bool(true),
      /** Refused messages kept per owner for the integration console (also at most a week's). */
      REJECTION_HISTORY_MAX: env.int(REJECTION_HISTORY_MAX_COUNT, 10, REJECTION_HISTORY_MAX_COUNT),
    }),
  )
  .superRefine((c, ctx) => {
    if (c.INGEST_INDEX >= c.INGEST_INSTANCES) {
      ctx.addIssue({
        code: 'custom',
        path: ['INGEST_INDEX'],
        message: `must be below INGEST_INSTANCES (${c.INGEST_INSTANCES})`,
      });
    }
    if (c.LG_MODE === 'production' && c.MQTT_PASSWORD === c.MQTT_USERNAME) {
      ctx.addIssue({
        code: 'custom',
        path: ['MQTT_PASSWORD'],
        message: 'production refuses the demo password (equal to the user name)',
      });
    }
  });

export type IngestConfig = z.infer<typeof ingestConfigSchema>;

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

export function ingestConfig(): IngestConfig {
  return loadConfig(ingestConfigSchema);
}
