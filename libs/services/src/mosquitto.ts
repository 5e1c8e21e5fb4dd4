import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { createConnection } from 'node:net';
import { findBinary } from './binaries';
import { ManagedProcess, StopWaiting, waitFor } from './process';

export interface MosquittoOptions {
  dir: string;
  port: number;
  /** `user:password` lines; hashed with mosquitto_passwd before the broker reads them. */
  users: Array<{ username: string; password: string }>;
  /** Mosquitto ACL file text. */
  acl: string;
  /**
   * Messages kept per offline persistent session. Sized for outages: at the district's nominal load an
   * ingest outage of 10 minutes queues ~200k messages.
   */
  maxQueuedMessages?: number;
}

export function mosquittoConfig(o: MosquittoOptions): string {
  return [
    'per_listener_settings false',
    // Run as whoever started us: as root, mosquitto would otherwise switch to a user that cannot write `dir`.
    `user ${userInfo().username}`,
    'allow_anonymous false',
    `password_file ${join(o.dir, 'passwd')}`,
    `acl_file ${join(o.dir, 'acl')}`,
    `listener ${o.port} 127.0.0.1`,
    'persistence true',
    `persistence_location ${o.dir}/`,
    'autosave_interval 1',
    `max_queued_messages ${o.maxQueuedMessages ?? 2_000_000}`,
    'max_queued_bytes 0',
    'max_inflight_messages 100',
    'max_packet_size 1048576',
    'persistent_client_expiration 7d',
    `log_dest file ${join(o.dir, 'mosquitto.log')}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'connection_messages true',
    '',
  ].join('\n');
}

/** Writes the password file (hashed) and the ACL into `dir`. Safe to call again to rotate credentials. */
export function writeMosquittoAuth(dir: string, users: MosquittoOptions['users'], acl: string): void {
  mkdirSync(dir, { recursive: true });
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, users.map((u) => `${u.username}:${u.password}`).join('\n') + '\n', { mode: 0o600 });
  execFileSync(findBinary('mosquitto_passwd'), ['-U', passwd]);
  chmodSync(passwd, 0o600);
  writeFileSync(join(dir, 'acl'), acl, { mode: 0o600 });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startMosquitto(o: MosquittoOptions): Promise<ManagedProcess> {
  mkdirSync(o.dir, { recursive: true });
  writeMosquittoAuth(o.dir, o.users, o.acl);
  const configFile = join(o.dir, 'mosquitto.conf');
  writeFileSync(configFile, mosquittoConfig(o));
  const proc = ManagedProcess.start(
    'mosquitto',
    findBinary('mosquitto'),
    ['-c', configFile],
    join(o.dir, 'mosquitto.stdout.log'),
  );
  await waitFor(`mosquitto on port ${o.port} (log: ${o.dir}/mosquitto.log)`, async () => {
    if (!proc.alive) throw new StopWaiting('mosquitto exited');
    return connects(o.port);
  });
  return proc;
}

/** Re-reads the password file and ACL without dropping connections (credential rotation). */
export function reloadMosquitto(proc: ManagedProcess): void {
  proc.child.kill('SIGHUP');
}
