/**
 * `npm run backup -- <folder>`: backs the platform's data up into a new `lg-<time>` folder under <folder>.
 * `npm run restore -- <backup folder> [--force]`: restores one (stop the platform's apps first).
 * Settings come from the same variables as the apps' (INFLUX_*, REDIS_*, REGISTRY_FILE) plus
 * INFLUX_RPC_ADDRESS (influxd's RPC port, default 127.0.0.1:8088). Progress goes to stderr.
 */
import { backup, BackupError, backupConfig, restore } from '@lg/backup';
import { ConfigError } from '@lg/config';

const USAGE = `Usage:
  npm run backup -- <folder>                     a new lg-<UTC time> folder under <folder>
  npm run restore -- <backup folder> [--force]   --force replaces data already there

Backs up / restores InfluxDB (portable backup of INFLUX_DB through INFLUX_RPC_ADDRESS, default
127.0.0.1:8088), the Redis keys under REDIS_PREFIX and the registry file (REGISTRY_FILE).`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const force = rest.includes('--force');
  const paths = rest.filter((a) => a !== '--force');
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if ((command !== 'backup' && command !== 'restore') || paths.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const progress = (line: string) => process.stderr.write(`[${command}] ${line}\n`);
  const started = Date.now();
  try {
    const config = backupConfig();
    if (command === 'backup') {
      const dir = await backup(config, paths[0], progress);
      console.log(dir);
    } else {
      const manifest = await restore(config, paths[0], force, progress);
      console.log(`restored the backup of ${manifest.startedAt}`);
    }
    progress(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError || err instanceof ConfigError) {
      progress(`refused: ${err.message}`);
      return 1;
    }
    progress(`failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

if (require.main === module)
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
