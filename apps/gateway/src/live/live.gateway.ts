import { Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  type OnGatewayConnection,
  type OnGatewayDisconnect,
  type OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
  WebSocketServer,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { Counter } from 'prom-client';
import {
  LIVE_NAMESPACE,
  type AckResponse,
  type ClientToServerEvents,
  type LiveRecord,
  type Position,
  type ServerToClientEvents,
} from '@lg/contracts';
import { canSee, companyRoom, OPERATOR_ROOM, roomOf, roomsFor, TokenService, type Principal } from '@lg/auth';
import { Metrics } from '@lg/observability';
import { AlertsService } from '../access/alerts.service';
import { ackRequestSchema, describeIssues } from '../http/queries';
import { LiveStreamReader } from './live-stream.reader';
import { refuseMainNamespace } from './namespaces';
import { PositionsFeed } from './positions.feed';

interface SocketData {
  principal: Principal;
  /** Token expiry, epoch ms: the connection is closed then. */
  expiresAt: number;
  expiry?: NodeJS.Timeout;
}

type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** setTimeout cannot wait longer than this. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Socket.IO namespace `/live`. The handshake must carry a valid token (`auth: {token}`), else the client
 * gets `connect_error` `unauthorized`. Each connection joins one room, `operator` or `company:<id>`, and
 * every event is emitted to rooms only: alert transitions and device events to `operator` and, for trucks,
 * to the owning company's room; positions to `operator` (all) and to each company (its own trucks).
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger('live');
  @WebSocketServer() private readonly nsp!: LiveNamespace;
  private readonly emitted: Counter<'event'>;

  constructor(
    private readonly tokens: TokenService,
    private readonly alerts: AlertsService,
    private readonly stream: LiveStreamReader,
    private readonly positions: PositionsFeed,
    metrics: Metrics,
  ) {
    this.emitted = metrics.counter('lg_gateway_live_events_total', 'Events pushed to /live rooms', ['event']);
    metrics.gauge(
      'lg_gateway_live_connections',
      'Open /live connections',
      [],
      () => this.nsp?.sockets.size ?? 0,
    );
  }

  afterInit(nsp: LiveNamespace): void {
    refuseMainNamespace(nsp.server);
    nsp.use((socket, next) => {
      try {
        const auth = socket.handshake.auth as { token?: unknown } | undefined;
        const { principal, expiresAt } = this.tokens.verify(auth?.token);
        socket.data.principal = principal;
        socket.data.expiresAt = expiresAt;
        next();
      } catch {
        next(new Error('unauthorized'));
      }
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stream.start((record) => this.dispatch(record));
    await this.positions.start((batch) => this.pushPositions(batch));
  }

  async onModuleDestroy(): Promise<void> {
    this.logger.log(`stopping the live feed (${this.nsp?.sockets.size ?? 0} connections)`);
    this.positions.stop();
    await this.stream.stop();
    for (const socket of this.nsp?.sockets.values() ?? []) clearTimeout(socket.data.expiry);
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const { principal, expiresAt } = socket.data;
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    // An expired token must not keep its live feed: the client logs in again and reconnects.
    socket.data.expiry = setTimeout(
      () => socket.disconnect(true),
      Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS),
    );
    await socket.join(roomOf(principal));
    try {
      // Joined first: a transition arriving meanwhile is sent as well, and clients keep the newer copy.
      socket.emit('alerts', await this.alerts.open(principal));
      const positions = this.positions
        .snapshot()
        .filter((p) => canSee(principal, { kind: 'truck', owner: p.owner }));
      if (positions.length > 0) socket.emit('positions', positions);
    } catch (err) {
      this.logger.error(`cannot send the open alerts to ${principal.username}: ${describe(err)}`);
      socket.disconnect(true);
    }
  }

  handleDisconnect(socket: LiveSocket): void {
    clearTimeout(socket.data.expiry);
  }

  @SubscribeMessage('alert:ack')
  async acknowledge(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<AckResponse> {
    const request = ackRequestSchema.safeParse(body);
    if (!request.success) return { ok: false, error: describeIssues(request.error, 'alert:ack') };
    try {
      const alert = await this.alerts.acknowledge(socket.data.principal, request.data.id, request.data.note);
      return { ok: true, alert };
    } catch (err) {
      return { ok: false, error: describe(err) };
    }
  }

  /** One live stream entry → the rooms allowed to see it. */
  dispatch(record: LiveRecord): void {
    switch (record.t) {
      case 'alert':
        this.nsp.to(roomsFor(record.alert)).emit('alert', record.alert);
        this.emitted.inc({ event: 'alert' });
        return;
      case 'device':
        this.nsp.to(roomsFor(record.device)).emit('device', record.device);
        this.emitted.inc({ event: 'device' });
        return;
    }
  }

  pushPositions(batch: Position[]): void {
    this.nsp.to(OPERATOR_ROOM).emit('positions', batch);
    const byOwner = new Map<string, Position[]>();
    for (const p of batch) {
      const list = byOwner.get(p.owner);
      if (list) list.push(p);
      else byOwner.set(p.owner, [p]);
    }
    for (const [owner, positions] of byOwner) this.nsp.to(companyRoom(owner)).emit('positions', positions);
    this.emitted.inc({ event: 'positions' });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
