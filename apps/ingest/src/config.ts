import { hostname } from 'node:os';
import { z } from 'zod';
import { env, httpSchema, influxSchema, loadConfig, modeSchema, mqttSchema, redisSchema } from '@lg/config';

/** Every variable the ingest process reads, validated at start-up. */
export const ingestConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(influxSchema)
  .merge(mqttSchema)
  .merge(httpSchema(3001))
  .merge(
    z.object({
      /** Stable name of this ingest process: its MQTT client IDs and stream consumer names derive from it. */
      INGEST_INSTANCE: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,48}$/)
        .default(`ingest-${hostname()}`),
      /** MQTT connections in the shared subscription (see docs: throughput grows with them). */
      INGEST_CONNECTIONS: env.int(8, 1, 64),
      INGEST_SHARE_GROUP: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,48}$/)
        .default('lg-ingest'),
      /** How long the broker keeps our sessions and queues for them while we are away, seconds. */
      MQTT_SESSION_EXPIRY_SEC: env.int(7 * 24 * 3600, 60),
      /** Readings later than now + this are stored unqualified (`future_ts`), ms. */
      FUTURE_TOLERANCE_MS: env.int(60_000, 0),
    }),
  )
  .superRefine((c, ctx) => {
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
