import { z } from 'zod';
import { influxSchema, loadConfig, modeSchema, redisSchema } from '@lg/config';

/** Every variable `npm run backup` / `npm run restore` read, validated before anything is touched. */
export const backupConfigSchema = modeSchema
  .merge(redisSchema)
  .merge(influxSchema)
  .merge(
    z.object({
      /** InfluxDB's RPC address for `influxd backup|restore` (`bind-address` in influxdb.conf). */
      INFLUX_RPC_ADDRESS: z
        .string()
        .regex(/^[A-Za-z0-9_.-]+:\d{1,5}$/, 'host:port')
        .default('127.0.0.1:8088'),
      /** The `influxd` binary that runs the backup and restore tools. */
      INFLUXD_BINARY: z.string().min(1).default('/usr/bin/influxd'),
    }),
  );

export type BackupConfig = z.infer<typeof backupConfigSchema>;

/** Reads the process environment unless another one is given (tests). */
export function backupConfig(env?: Record<string, string | undefined>): BackupConfig {
  return loadConfig(backupConfigSchema, env);
}
