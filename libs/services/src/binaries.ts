import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The Debian binaries the platform runs on, and the package that brings each. */
export const SERVICE_BINARIES = {
  mosquitto: { paths: ['/usr/sbin/mosquitto', '/usr/bin/mosquitto'], pkg: 'mosquitto' },
  mosquitto_passwd: { paths: ['/usr/bin/mosquitto_passwd'], pkg: 'mosquitto' },
  'redis-server': { paths: ['/usr/bin/redis-server'], pkg: 'redis-server' },
  influxd: { paths: ['/usr/bin/influxd'], pkg: 'influxdb' },
} as const;

export type ServiceBinary = keyof typeof SERVICE_BINARIES;

export function findBinary(name: ServiceBinary): string {
  for (const p of SERVICE_BINARIES[name].paths) if (existsSync(p)) return p;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      `${name} is not installed: run "npm test" or "npm start" (they install it), or apt-get install ${SERVICE_BINARIES[name].pkg}`,
    );
  }
}
