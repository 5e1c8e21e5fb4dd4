import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { createConnection } from 'node:net';
import { findBinary } from './binaries';
import type { MqttAuth, MqttIdentities } from './mqtt-identities';
import { startServer, type ManagedProcess } from './process';

export interface MosquittoOptions {
  dir: string;
  /** The device listener: registry identities only, each with its username as its client ID. */
  port: number;
  /** The internal listener: ingest and observers only, with the client IDs they choose. */
  internalPort: number;
  /** Users (hashed with mosquitto_passwd before the broker reads them) and ACL of each listener. */
  identities: MqttIdentities;
  /**
   * Messages kept per offline persistent session. Sized for outages: at the district's nominal load an
   * ingest outage of 10 minutes queues ~200k messages.
   */
  maxQueuedMessages?: number;
}

/** A loopback listener that lets in only the users of its own password file, as far as its ACL allows. */
function listener(dir: string, port: number, passwdFile: string, aclFile: string): string[] {
  return [
    `listener ${port} 127.0.0.1`,
    'allow_anonymous false',
    `password_file ${join(dir, passwdFile)}`,
    `acl_file ${join(dir, aclFile)}`,
  ];
}

export function mosquittoConfig(o: MosquittoOptions): string {
  return [
    // Each listener has its own password file and ACL: a device's credentials are worthless on the
    // internal listener and ingest's on the device listener.
    'per_listener_settings true',
    // Run as whoever started us: as root, mosquitto would otherwise switch to a user that cannot write `dir`.
    `user ${userInfo().username}`,
    'persistence true',
    `persistence_location ${o.dir}/`,
    'autosave_interval 1',
    `max_queued_messages ${o.maxQueuedMessages ?? 2_000_000}`,
    'max_queued_bytes 0',
    'max_inflight_messages 100',
    // The hard limit of any packet (docs/contract.md): above it an MQTT 5 client gets DISCONNECT 0x95 and
    // the connection closes. Payloads between the contract's 256 KiB and this still reach ingest, which
    // refuses them with a `too_large` notice while the connection stays up.
    'max_packet_size 1048576',
    'persistent_client_expiration 7d',
    // For a reload by hand after rotating a credential: kill -HUP $(cat <dir>/mosquitto.pid)
    `pid_file ${join(o.dir, 'mosquitto.pid')}`,
    `log_dest file ${join(o.dir, 'mosquitto.log')}`,
    'log_type error',
    'log_type warning',
    'log_type notice',
    'connection_messages true',
    '',
    '# Devices and company platforms.',
    ...listener(o.dir, o.port, 'passwd', 'acl'),
    // The client ID a device sends is replaced by its username: it cannot connect under another
    // identity's (or ingest's) client ID and so cannot disconnect it or take over its session.
    'use_username_as_clientid true',
    '',
    '# The platform itself: ingest (one persistent session per connection) and observers.',
    ...listener(o.dir, o.internalPort, 'passwd-internal', 'acl-internal'),
    '',
  ].join('\n');
}

function writeListenerAuth(dir: string, passwdFile: string, aclFile: string, auth: MqttAuth): void {
  // Written aside and renamed: a reload never reads a half-written or not yet hashed file.
  const passwd = join(dir, passwdFile);
  const acl = join(dir, aclFile);
  const pending = `${passwd}.new`;
  writeFileSync(pending, auth.users.map((u) => `${u.username}:${u.password}`).join('\n') + '\n', {
    mode: 0o600,
  });
  execFileSync(findBinary('mosquitto_passwd'), ['-U', pending]);
  chmodSync(pending, 0o600);
  renameSync(pending, passwd);
  writeFileSync(`${acl}.new`, auth.acl, { mode: 0o600 });
  renameSync(`${acl}.new`, acl);
}

/**
 * Writes both listeners' password files (hashed) and ACLs into `dir`: `passwd` and `acl` for the device
 * listener, `passwd-internal` and `acl-internal` for the internal one. Call again and send SIGHUP
 * (`reloadMosquitto`) to rotate credentials.
 */
export function writeMosquittoAuth(dir: string, identities: MqttIdentities): void {
  mkdirSync(dir, { recursive: true });
  writeListenerAuth(dir, 'passwd', 'acl', identities.devices);
  writeListenerAuth(dir, 'passwd-internal', 'acl-internal', identities.internal);
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
  writeMosquittoAuth(o.dir, o.identities);
  const configFile = join(o.dir, 'mosquitto.conf');
  writeFileSync(configFile, mosquittoConfig(o));
  return startServer(
    'mosquitto',
    findBinary('mosquitto'),
    ['-c', configFile],
    join(o.dir, 'mosquitto.stdout.log'),
    {
      what: `mosquitto on ports ${o.port} and ${o.internalPort} (log: ${o.dir}/mosquitto.log)`,
      exited: 'mosquitto exited',
      ready: async () => (await connects(o.port)) && (await connects(o.internalPort)),
    },
  );
}

/**
 * Re-reads the password files and ACLs (credential rotation) without a restart. Mosquitto 2.0 then drops
 * the connections whose credentials no longer hold (a rotated password); everyone else stays connected.
 */
export function reloadMosquitto(proc: ManagedProcess): void {
  proc.child.kill('SIGHUP');
}
