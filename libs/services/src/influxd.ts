import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './binaries';
import { startServer, type ManagedProcess } from './process';

export interface InfluxServerOptions {
  dir: string;
  port: number;
  /** The RPC port for backups; bound to loopback too. */
  rpcPort: number;
  /** Largest write body accepted, bytes (`[http] max-body-size`); default 25 MiB as in InfluxDB. */
  maxBodySize?: number;
  /** How often InfluxDB drops shards past their retention period (`[retention] check-interval`); default 30m. */
  retentionCheckInterval?: string;
  /**
   * Flush the write cache to TSM files and compact them after 1 s without writes, instead of InfluxDB's
   * 10 min and 4 h: for measuring the compressed size of what was written.
   */
  compactQuickly?: boolean;
}

/** InfluxDB 1.x configuration: loopback only, data under `dir`, no phoning home, no self-monitoring. */
export function influxConfig(o: InfluxServerOptions): string {
  return [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${o.rpcPort}"`,
    '[meta]',
    `  dir = "${join(o.dir, 'meta')}"`,
    '[data]',
    `  dir = "${join(o.dir, 'data')}"`,
    `  wal-dir = "${join(o.dir, 'wal')}"`,
    '  query-log-enabled = false',
    '  wal-fsync-delay = "0s"',
    ...(o.compactQuickly
      ? ['  cache-snapshot-write-cold-duration = "1s"', '  compact-full-write-cold-duration = "1s"']
      : []),
    '[http]',
    `  bind-address = "127.0.0.1:${o.port}"`,
    '  log-enabled = false',
    `  max-body-size = ${o.maxBodySize ?? 26214400}`,
    '[monitor]',
    '  store-enabled = false',
    // The platform's aggregates are continuous queries; checked every second so a bucket is computed
    // right after it ends (each still runs only once per its own interval).
    '[continuous_queries]',
    '  enabled = true',
    '  log-enabled = false',
    '  run-interval = "1s"',
    '[retention]',
    '  enabled = true',
    `  check-interval = "${o.retentionCheckInterval ?? '30m'}"`,
    '',
  ].join('\n');
}

export async function startInfluxServer(o: InfluxServerOptions): Promise<ManagedProcess> {
  mkdirSync(o.dir, { recursive: true });
  const configFile = join(o.dir, 'influxdb.conf');
  writeFileSync(configFile, influxConfig(o));
  return startServer('influxd', findBinary('influxd'), ['-config', configFile], join(o.dir, 'influxd.log'), {
    what: `influxd on port ${o.port} (log: ${o.dir}/influxd.log)`,
    exited: 'influxd exited',
    ready: async () => (await fetch(`http://127.0.0.1:${o.port}/ping`)).status === 204,
    timeoutMs: 30_000,
    intervalMs: 100,
  });
}
