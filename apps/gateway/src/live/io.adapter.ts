import type { IncomingMessage } from 'node:http';
import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Socket.IO server options: CORS limited to the configured origins, small messages, and a check of the
 * `Origin` of every browser connection (polling and WebSocket alike): the gateway's own origin or one of
 * CORS_ORIGINS. Clients that send no Origin (services, scripts) pass on to the token check. `extra` adds
 * the options of running several gateways (the Redis streams adapter, connection-state recovery).
 */
export class LiveIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly origins: readonly string[],
    private readonly extra: Partial<ServerOptions> = {},
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      ...this.extra,
      cors: { origin: this.origins.length > 0 ? [...this.origins] : false },
      maxHttpBufferSize: 64 * 1024,
      allowRequest: (
        req: IncomingMessage,
        callback: (err: string | null | undefined, success: boolean) => void,
      ) => callback(null, originAllowed(req, this.origins)),
    }) as Server;
  }
}

export function originAllowed(req: Pick<IncomingMessage, 'headers'>, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  if (origins.includes(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
