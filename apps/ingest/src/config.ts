import { hostname } from 'node:os';
import { z } from 'zod';
import { REJECTION_HISTORY_MAX_COUNT } from '@lg/contracts';
import { DEFAULT_OWNER_RATE_LIMIT, intakeSchema } from '@lg/ingest';
import {
  env,
  httpSchema,
  influxSchema,
  loadConfig,
  modeSchema,
  mqttSchema,
  redisSchema,
  replicationSchema,
  variableProblem,
} from '@lg/config';

/** Every variable the ingest process reads, validated at start-up. */
export const ingestConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(replicationSchema)
  .merge(influxSchema)
  .merge(mqttSchema)
  .merge(httpSchema(3001))
  .merge(intakeSchema)
  .merge(
    z.object({
      /**
       * Days of aggregates the first ingest process (INGEST_INDEX 0) recomputes from raw readings once a day
       * at 02:30 Asia/Shanghai, for readings stored after their continuous query ran (blind-area uploads,
       * late batches); 0: never.
       */
      AGGREGATE_RECOMPUTE_DAYS: env.int(2, 0, 31),
      /** Stable name of this ingest process: its MQTT client IDs and stream consumer names derive from it. */
      INGEST_INSTANCE: env.name(`ingest-${hostname()}`),
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
      INGEST_SHARE_GROUP: env.name('lg-ingest'),
      /** How long the broker keeps our sessions and queues for them while we are away, seconds. */
      MQTT_SESSION_EXPIRY_SEC: env.int(7 * 24 * 3600, 60),
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
    if (c.INGEST_INDEX >= c.INGEST_INSTANCES)
      variableProblem(ctx, 'INGEST_INDEX', `must be below INGEST_INSTANCES (${c.INGEST_INSTANCES})`);
    if (c.LG_MODE === 'production' && c.MQTT_PASSWORD === c.MQTT_USERNAME)
      variableProblem(ctx, 'MQTT_PASSWORD', 'production refuses the demo password (equal to the user name)');
  });

export type IngestConfig = z.infer<typeof ingestConfigSchema>;

export const INGEST_CONFIG = Symbol('INGEST_CONFIG');

export function ingestConfig(): IngestConfig {
  return loadConfig(ingestConfigSchema);
}
