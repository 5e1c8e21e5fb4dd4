import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { influxConnection, redisEndpoint, retentionPeriods } from '@lg/config';
import { RedisConnections, RedisSnapshot } from '@lg/redis';
import { influxIdentifier, InfluxBackupTool, InfluxLifecycle, InfluxRepository } from '@lg/storage';
import type { BackupConfig } from './config';

/** The format tag of `manifest.json`; a restore refuses any other. */
export const BACKUP_FORMAT = 'lg-backup/1';

/** `manifest.json`, written last: a folder without it is an unfinished backup. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  /** When the backup started, ISO-8601 UTC. */
  startedAt: string;
  finishedAt: string;
  influx: { db: string; dir: 'influxdb' };
  redis: { prefix: string; file: 'redis.jsonl'; keys: number; bytes: number };
  registry: { file: 'registry.json'; from: string; bytes: number };
}

/** A step's news, for the command line (one line each). */
export type Progress = (line: string) => void;

/** A refusal the operator can act on (wrong folder, data in the way): the CLI prints it without a stack. */
export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** The folder name of a backup started at `ms`: `lg-20261203T120000Z`. */
export function backupFolderName(ms: number): string {
  return (
    'lg-' +
    new Date(ms)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '')
  );
}

/**
 * Backs the platform's data up into a new folder under `parent`: InfluxDB's database (portable backup:
 * readings, aggregates, alert transitions, scorecard results, with the retention policies), the platform's
 * Redis keys (alerts and their state, duty checks and answers, settings, rejection history, the reading
 * log) and the registry file. Returns the folder.
 *
 * @throws BackupError when the folder exists; Error naming the step that failed.
 */
export async function backup(
  c: BackupConfig,
  parent: string,
  progress: Progress = () => undefined,
): Promise<string> {
  const started = Date.now();
  const dir = join(parent, backupFolderName(started));
  if (existsSync(dir)) throw new BackupError(`${dir} exists already: choose another folder`);
  const tool = new InfluxBackupTool({ binary: c.INFLUXD_BINARY, host: c.INFLUX_RPC_ADDRESS });
  await step('InfluxDB check', () => tool.checkReachable());
  await mkdir(dir, { recursive: true });
  try {
    return await backupInto(c, dir, tool, started, progress);
  } catch (err) {
    // An unfinished folder would only be mistaken for a backup later.
    await rm(dir, { recursive: true, force: true });
    progress(`removed the unfinished ${dir}`);
    throw err;
  }
}

async function backupInto(
  c: BackupConfig,
  dir: string,
  tool: InfluxBackupTool,
  started: number,
  progress: Progress,
): Promise<string> {
  const influx = influxConnection(c);
  const db = influx.db.split('/')[0];

  progress(`InfluxDB: backing up database "${db}" from ${c.INFLUX_RPC_ADDRESS}`);
  await step('InfluxDB backup', () => tool.backup(db, join(dir, 'influxdb'), (l) => progress(`  ${l}`)));

  progress(`Redis: saving the keys under "${c.REDIS_PREFIX}:"`);
  const connections = new RedisConnections(redisEndpoint(c), 'backup');
  let keys: { keys: number; bytes: number };
  try {
    const snapshot = new RedisSnapshot(connections.open('backup'), c.REDIS_PREFIX);
    keys = await step('Redis snapshot', () =>
      snapshot.save(join(dir, 'redis.jsonl'), (n) => progress(`  ${n.keys} keys`)),
    );
  } finally {
    await connections.closeAll();
  }
  progress(`  ${keys.keys} keys, ${keys.bytes} bytes`);

  progress(`registry: copying ${c.REGISTRY_FILE}`);
  await step('registry copy', () => copyFile(c.REGISTRY_FILE, join(dir, 'registry.json')));
  const registryBytes = (await stat(join(dir, 'registry.json'))).size;

  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    influx: { db, dir: 'influxdb' },
    redis: { prefix: c.REDIS_PREFIX, file: 'redis.jsonl', ...keys },
    registry: { file: 'registry.json', from: c.REGISTRY_FILE, bytes: registryBytes },
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  progress(`done: ${dir}`);
  return dir;
}

/**
 * Restores a backup folder into the configured InfluxDB database, Redis prefix and registry file, then
 * brings retention policies and continuous queries to the configuration (a portable backup does not
 * carry continuous queries). Without `force` it refuses when any of them already holds data; with it,
 * that data is replaced. Stop the platform's apps first.
 *
 * @throws BackupError when the folder is no finished backup or data is in the way without `force`.
 */
export async function restore(
  c: BackupConfig,
  dir: string,
  force: boolean,
  progress: Progress = () => undefined,
): Promise<BackupManifest> {
  const manifest = await readManifest(dir);
  if (manifest.redis.prefix !== c.REDIS_PREFIX) {
    throw new BackupError(
      `the backup holds Redis keys of prefix "${manifest.redis.prefix}" but REDIS_PREFIX is "${c.REDIS_PREFIX}": set REDIS_PREFIX=${manifest.redis.prefix}`,
    );
  }
  const connection = influxConnection(c);
  const db = connection.db.split('/')[0];
  const influx = new InfluxRepository({ ...connection, createDb: false });
  const connections = new RedisConnections(redisEndpoint(c), 'restore');
  try {
    const redis = connections.open('restore');
    const snapshot = new RedisSnapshot(redis, c.REDIS_PREFIX);
    const databases = await influx.query('SHOW DATABASES');
    const dbExists = databases.some((s) => s.rows.some((r) => r.name === db));
    const redisKeys = (await snapshot.keys()).length;
    const registryDiffers =
      existsSync(c.REGISTRY_FILE) &&
      (await readFile(c.REGISTRY_FILE, 'utf8')) !== (await readFile(join(dir, 'registry.json'), 'utf8'));
    const inTheWay = [
      dbExists ? `InfluxDB database "${db}" exists` : '',
      redisKeys > 0 ? `Redis holds ${redisKeys} keys under "${c.REDIS_PREFIX}:"` : '',
      registryDiffers ? `${c.REGISTRY_FILE} differs from the backup's registry` : '',
    ].filter(Boolean);
    const tool = new InfluxBackupTool({ binary: c.INFLUXD_BINARY, host: c.INFLUX_RPC_ADDRESS });
    await step('InfluxDB check', () => tool.checkReachable());
    if (inTheWay.length > 0 && !force) {
      throw new BackupError(
        `not restoring over existing data: ${inTheWay.join('; ')}. Stop the platform's apps and run again with --force to replace it.`,
      );
    }

    if (dbExists) {
      progress(`InfluxDB: dropping database "${db}" (--force)`);
      await influx.query(`DROP DATABASE ${influxIdentifier(db)}`);
    }
    progress(`InfluxDB: restoring "${manifest.influx.db}" as "${db}" through ${c.INFLUX_RPC_ADDRESS}`);
    await step('InfluxDB restore', () =>
      tool.restore(manifest.influx.db, join(dir, manifest.influx.dir), (l) => progress(`  ${l}`), db),
    );
    if (influx.layout.managed) {
      const changes = await new InfluxLifecycle(influx).apply(retentionPeriods(c));
      progress(
        `InfluxDB: ${changes.policies.length} retention policy and ${changes.continuousQueries.length} continuous query statements applied`,
      );
    }

    progress(`Redis: restoring ${manifest.redis.keys} keys under "${c.REDIS_PREFIX}:"`);
    const restored = await step('Redis restore', () =>
      snapshot.restore(join(dir, manifest.redis.file), true, (n) => progress(`  ${n.keys} keys`)),
    );
    progress(`  ${restored.keys} keys`);

    progress(`registry: writing ${c.REGISTRY_FILE}`);
    await copyFile(join(dir, manifest.registry.file), c.REGISTRY_FILE);
    progress('done: start the platform');
    return manifest;
  } finally {
    await connections.closeAll();
    await influx.close(0);
  }
}

async function readManifest(dir: string): Promise<BackupManifest> {
  if (!existsSync(dir)) throw new BackupError(`${dir} does not exist`);
  const files = await readdir(dir);
  if (!files.includes('manifest.json')) {
    throw new BackupError(`${dir} holds no manifest.json: not a backup, or one that did not finish`);
  }
  let manifest: Partial<BackupManifest>;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Partial<BackupManifest>;
  } catch (err) {
    throw new BackupError(
      `${dir}/manifest.json is not JSON: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (manifest.format !== BACKUP_FORMAT || !manifest.influx || !manifest.redis || !manifest.registry) {
    throw new BackupError(`${dir}/manifest.json is not a ${BACKUP_FORMAT} manifest`);
  }
  for (const f of [manifest.influx.dir, manifest.redis.file, manifest.registry.file]) {
    if (!files.includes(f)) throw new BackupError(`${dir} lacks ${f} named by its manifest`);
  }
  return manifest as BackupManifest;
}

/** Runs a step, naming it in the error. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new Error(`${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
