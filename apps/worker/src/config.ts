import { hostname } from 'node:os';
import { z } from 'zod';
import { env, httpSchema, loadConfig, modeSchema, redisSchema } from '@lg/config';

/** Every variable the worker process reads, validated at start-up. */
export const workerConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(httpSchema(3002))
  .merge(
    z.object({
      /** Stable, unique name of this worker: its partition leases carry it. */
      WORKER_ID: z
        .string()
        .regex(/^[A-Za-z0-9_-]{1,48}$/)
        .default(`worker-${hostname()}-${process.pid}`),
      /** A dead worker's partitions are taken over after this long, ms. */
      PARTITION_LEASE_MS: env.int(5000, 1000, 60_000),
    }),
  );

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export function workerConfig(): WorkerConfig {
  return loadConfig(workerConfigSchema);
}
