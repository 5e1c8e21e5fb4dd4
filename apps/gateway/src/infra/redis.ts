import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AlertStore } from '@lg/alerts';
import { names, type Names } from '@lg/contracts';
import { redisEndpoint } from '@lg/config';
import { Readiness } from '@lg/observability';
import { RedisConnections, redisReadiness } from '@lg/redis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Presence of a device as ingest keeps it in the `presence` hash. */
export interface Presence {
  /** Event time of the last reading, epoch ms. */
  lastSeen: number;
  /** When it was received, epoch ms. */
  rx: number;
  online: boolean;
  changedAt: number;
}

/**
 * The gateway's Redis: one command connection (alerts, presence), plus dedicated connections for the
 * blocking live-stream read, the positions subscription and the Socket.IO adapter. Closed last on shutdown.
 */
@Injectable()
export class GatewayRedis implements OnApplicationShutdown {
  readonly names: Names;
  readonly commands: Redis;
  readonly alerts: AlertStore;
  private readonly connections: RedisConnections;
  /** Connections the Socket.IO adapter opened for itself (its stream readers and its subscriber). */
  private readonly adapterReaders: Redis[] = [];
  private socketIo: Redis | undefined;
  private readonly logger = new Logger('redis');

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, readiness: Readiness) {
    this.names = names(config.REDIS_PREFIX);
    this.connections = new RedisConnections(redisEndpoint(config), `gateway-${process.pid}`);
    this.commands = this.connections.open('commands');
    this.alerts = new AlertStore(this.commands, this.names);
    readiness.register('redis', () => redisReadiness(this.commands));
  }

  /** A connection of its own for a blocking read (XREAD BLOCK): it retries forever. */
  openBlocking(purpose: string): Redis {
    return this.connections.open(purpose, { blocking: true });
  }

  /** A connection for SUBSCRIBE (it can do nothing else once subscribed). */
  openSubscriber(purpose: string): Redis {
    return this.connections.open(purpose, { blocking: true });
  }

  /**
   * The connection the Socket.IO Redis streams adapter publishes on. The live stream dispatcher writes its
   * cursor on this same connection, so that Redis applies the cursor only after the broadcasts before it.
   * The adapter opens its readers with `duplicate()`: they come from here too, so that shutdown closes them.
   */
  socketIoClient(): Redis {
    if (this.socketIo) return this.socketIo;
    const client = this.connections.open('socket.io', { blocking: true });
    client.duplicate = () => {
      const reader = this.connections.open(`socket.io-${this.adapterReaders.length + 1}`, { blocking: true });
      // The adapter disconnects its readers again after we did at shutdown; ioredis answers a second
      // disconnect of an ended connection with a 2 s timer that holds the process open.
      const disconnect = reader.disconnect.bind(reader);
      reader.disconnect = (reconnect?: boolean) => {
        if (reader.status !== 'end') disconnect(reconnect);
      };
      this.adapterReaders.push(reader);
      return reader;
    };
    this.socketIo = client;
    return client;
  }

  /** Presence of these devices, by ID; devices never seen are left out. */
  async presence(ids: readonly string[]): Promise<Map<string, Presence>> {
    const out = new Map<string, Presence>();
    if (ids.length === 0) return out;
    const values = await this.commands.hmget(this.names.presence, ...ids);
    values.forEach((json, i) => {
      if (!json) return;
      try {
        const p = JSON.parse(json) as Partial<Presence>;
        if (typeof p.lastSeen === 'number' && typeof p.online === 'boolean') {
          out.set(ids[i], {
            lastSeen: p.lastSeen,
            rx: p.rx ?? p.lastSeen,
            online: p.online,
            changedAt: p.changedAt ?? 0,
          });
        }
      } catch {
        // A malformed entry is treated as never seen rather than failing the whole list.
      }
    });
    return out;
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    // The adapter's readers may sit in XREAD BLOCK, which would hold QUIT for the whole block time; the
    // Socket.IO server is closed by now, so nothing more is read from them.
    for (const reader of this.adapterReaders) reader.disconnect();
    await this.connections.closeAll();
    this.logger.log(`Redis connections closed${signal ? ` (${signal})` : ''}`);
  }
}
