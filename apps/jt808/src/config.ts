import { hostname } from 'node:os';
import { z } from 'zod';
import { intakeSchema } from '@lg/ingest';
import { MAX_FRAME_BYTES } from '@lg/jt808';
import {
  env,
  httpSchema,
  loadConfig,
  modeSchema,
  mqttSchema,
  redisSchema,
  replicationSchema,
} from '@lg/config';

/** Every variable the JT/T 808 gateway reads, validated at start-up. */
export const jt808ConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(replicationSchema)
  .merge(mqttSchema.pick({ MQTT_TOPIC_ROOT: true }))
  .merge(httpSchema(3003))
  // The same validation as MQTT telemetry (ingest's variables of the same names).
  .merge(intakeSchema)
  .merge(
    z.object({
      /** TCP port the terminals connect to. */
      JT808_PORT: env.port(6808),
      /** Address to listen on: loopback by default (the demo); `0.0.0.0` to take real terminals. */
      JT808_HOST: z.string().default('127.0.0.1'),
      /** Stable, unique name of this instance: connection IDs and its Redis channel derive from it. */
      JT808_INSTANCE: env.name(`jt808-${hostname()}-${process.pid}`),
      /** A connection that completes no frame for this long is closed (terminals beat every 60 s by default), s. */
      JT808_IDLE_SEC: env.int(180, 5, 3600),
      /** Largest escaped frame, bytes (a full 1023-byte body escaped: 2090). */
      JT808_MAX_FRAME_BYTES: env.int(MAX_FRAME_BYTES, 64, 65_536),
      /** Sub-packaged messages one connection may have in reassembly, packages per message, and their timeout. */
      JT808_REASSEMBLY_MESSAGES: env.int(8, 1, 256),
      JT808_REASSEMBLY_PACKAGES: env.int(64, 1, 4096),
      JT808_REASSEMBLY_TIMEOUT_SEC: env.int(60, 1, 3600),
      /** Open terminal connections at most (each holds at most one frame in memory). */
      JT808_MAX_CONNECTIONS: env.int(20_000, 1, 1_000_000),
      /** Bad frames (or failed authentications) one connection may send before it is closed. */
      JT808_MAX_BAD_FRAMES: env.int(20, 0, 10_000),
    }),
  );

export type Jt808Config = z.infer<typeof jt808ConfigSchema>;

export const JT808_CONFIG = Symbol('JT808_CONFIG');

export function jt808Config(): Jt808Config {
  return loadConfig(jt808ConfigSchema);
}
