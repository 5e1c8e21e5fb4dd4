import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

/** Where `influxd backup|restore -portable` reach InfluxDB and which binary runs them. */
export interface InfluxBackupOptions {
  /** The `influxd` binary (Debian: /usr/bin/influxd). */
  binary: string;
  /** InfluxDB's RPC address, `host:port` (`bind-address` of influxdb.conf; 8088 by default). */
  host: string;
}

/**
 * InfluxDB 1.x portable backups through the `influxd backup|restore -portable` tools, which talk to the
 * server's RPC port: the shards of every retention policy and the database's metadata (policies, users;
 * not its continuous queries, which the platform creates again at start-up).
 */
export class InfluxBackupTool {
  constructor(private readonly o: InfluxBackupOptions) {}

  /**
   * Whether InfluxDB's RPC port accepts a connection within `timeoutMs`: the tools themselves retry an
   * unreachable server for minutes before they give up.
   *
   * @throws Error naming the address and what to check.
   */
  async checkReachable(timeoutMs = 3000): Promise<void> {
    const colon = this.o.host.lastIndexOf(':');
    const host = this.o.host.slice(0, colon);
    const port = Number(this.o.host.slice(colon + 1));
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ host, port });
      const fail = (why: string) => {
        socket.destroy();
        reject(
          new Error(
            `InfluxDB's RPC port ${this.o.host} ${why}: set INFLUX_RPC_ADDRESS to influxd's bind-address (influxdb.conf), reachable from here`,
          ),
        );
      };
      socket.setTimeout(timeoutMs, () => fail(`did not answer within ${timeoutMs} ms`));
      socket.once('error', (err) => fail(`refused the connection (${err.message})`));
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
    });
  }

  /** Backs `db` up into `dir` (which must be empty or new); `progress` gets the tool's lines. */
  backup(db: string, dir: string, progress?: (line: string) => void): Promise<void> {
    return this.run(['backup', '-portable', '-host', this.o.host, '-db', db, dir], progress);
  }

  /**
   * Restores `db` from the portable backup in `dir`, as `newDb` when given. InfluxDB refuses when the
   * database exists: drop it first (the caller decides).
   */
  restore(db: string, dir: string, progress?: (line: string) => void, newDb = db): Promise<void> {
    const rename = newDb === db ? [] : ['-newdb', newDb];
    return this.run(['restore', '-portable', '-host', this.o.host, '-db', db, ...rename, dir], progress);
  }

  /** @throws Error with the tool's last lines when it exits with an error or cannot start. */
  private run(args: string[], progress?: (line: string) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const child = spawn(this.o.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const tail: string[] = [];
      const take = (line: string): void => {
        tail.push(line);
        if (tail.length > 10) tail.shift();
        progress?.(line);
      };
      createInterface({ input: child.stdout }).on('line', take);
      createInterface({ input: child.stderr }).on('line', take);
      child.on('error', (err) =>
        reject(new Error(`cannot run ${this.o.binary}: ${err.message}`, { cause: err })),
      );
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `influxd ${args[0]} failed (${signal ?? `exit ${code}`}) against ${this.o.host}:\n${tail.join('\n')}`,
            ),
          );
      });
    });
  }
}
