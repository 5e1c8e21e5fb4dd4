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
  type DutyCheckView,
  type ClientToServerEvents,
  type LiveRecord,
  type Position,
  type PlatformLinkChange,
  type RejectionRecord,
  type ServerToClientEvents,
} from '@lg/contracts';
import { canSee, companyRoom, OPERATOR_ROOM, roomOf, roomsFor, TokenService, type Principal } from '@lg/auth';
import { transitionLogFields } from '@lg/alerts';
import { Metrics } from '@lg/observability';
import { AlertsService } from '../access/alerts.service';
import { ackRequestSchema, describeIssues } from '../contract/queries';
import { GatewayRedis } from '../infra/redis';
import { releaseMissed } from './cluster';
import { LiveStreamReader } from './live-stream.reader';
import { refuseMainNamespace } from './namespaces';
import { PositionsFeed } from './positions.feed';
import { RejectionsFeed } from './rejections.feed';
import { LinksFeed } from './links.feed';
import { DutyFeed } from './duty.feed';

/**
 * Kept with the connection, and in Redis with its session for connection-state recovery: plain data only
 * (the expiry timer lives in the gateway).
 */
interface SocketData {
  principal: Principal;
  /** Token expiry, epoch ms: the connection is closed then. */
  expiresAt: number;
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
 *
 * Several gateways: alert and device events are broadcast by the one gateway that dispatches the live
 * stream, through the Redis streams adapter, to the rooms of every gateway; positions, which every gateway
 * receives anyway, go to its own clients only. A client that comes back within the recovery window is sent
 * what it missed, whichever gateway it reconnects to, once its token has been checked again.
 */
@WebSocketGateway({ namespace: LIVE_NAMESPACE })
export class LiveGateway
  implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger('live');
  @WebSocketServer() private readonly nsp!: LiveNamespace;
  private readonly emitted: Counter<'event'>;
  /** Closes each connection when its token expires. */
  private readonly expiries = new Map<LiveSocket, NodeJS.Timeout>();

  constructor(
    private readonly tokens: TokenService,
    private readonly alerts: AlertsService,
    private readonly stream: LiveStreamReader,
    private readonly positions: PositionsFeed,
    private readonly redis: GatewayRedis,
    metrics: Metrics,
    private readonly rejections: RejectionsFeed,
    private readonly duty: DutyFeed,
    private readonly links: LinksFeed,
  ) {
    this.emitted = metrics.counter('lg_gateway_live_events_total', 'Events pushed to /live rooms', ['event']);
    metrics.gauge(
      'lg_gateway_live_connections',
      'Open /live connections',
      [],
      () => this.nsp?.sockets.size ?? 0,
    );
    metrics.gauge(
      'lg_gateway_live_dispatcher',
      '1 while this gateway hands the live stream to every gateway’s clients',
      [],
      () => (this.stream.dispatching ? 1 : 0),
    );
  }

  afterInit(nsp: LiveNamespace): void {
    refuseMainNamespace(nsp.server);
    // Runs on every connection, recovered ones included (skipMiddlewares: false): a client coming back
    // within the recovery window, to whichever gateway, shows a valid token before it is sent anything.
    nsp.use((socket, next) => {
      try {
        const auth = socket.handshake.auth as { token?: unknown } | undefined;
        const { principal, expiresAt } = this.tokens.verify(auth?.token);
        // A recovered session keeps its rooms: the token presented must be the same user's.
        const before = socket.recovered ? socket.data?.principal : undefined;
        if (before && roomOf(before) !== roomOf(principal)) throw new Error('another user’s session');
        socket.data.principal = principal;
        socket.data.expiresAt = expiresAt;
      } catch {
        releaseMissed(socket, false);
        next(new Error('unauthorized'));
        return;
      }
      releaseMissed(socket, true);
      next();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stream.start((record) => this.dispatch(record), this.redis.socketIoClient());
    await this.positions.start((batch) => this.pushPositions(batch));
    await this.rejections.start((record) => this.pushRejection(record));
    await this.duty.start((check) => this.pushDutyCheck(check));
    await this.links.start((change) => this.pushLink(change));
  }

  async onModuleDestroy(): Promise<void> {
    this.logger.log(`stopping the live feed (${this.nsp?.sockets.size ?? 0} connections)`);
    this.positions.stop();
    this.rejections.stop();
    this.duty.stop();
    this.links.stop();
    await this.stream.stop();
    for (const timer of this.expiries.values()) clearTimeout(timer);
    this.expiries.clear();
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const { principal, expiresAt } = socket.data;
    if (!principal) {
      socket.disconnect(true);
      return;
    }
    // An expired token must not keep its live feed: the client logs in again and reconnects.
    this.expiries.set(
      socket,
      setTimeout(() => socket.disconnect(true), Math.min(Math.max(0, expiresAt - Date.now()), MAX_TIMER_MS)),
    );
    // A recovered connection is back in its room and was sent what it missed; the contract still promises
    // the open alerts on every connection, so it gets them as well.
    await socket.join(roomOf(principal));
    try {
      // Joined first: a transition arriving meanwhile is sent as well, and clients keep the newer copy.
      // Sent on this gateway only: with connection-state recovery, socket.emit would also append the whole
      // snapshot to the adapter's Redis stream for every gateway to read, and it is sent again on every
      // connection anyway.
      const self = this.nsp.local.to(socket.id);
      self.emit('alerts', await this.alerts.open(principal));
      const positions = this.positions
        .snapshot()
        .filter((p) => canSee(principal, { kind: 'truck', owner: p.owner }));
      if (positions.length > 0) self.emit('positions', positions);
    } catch (err) {
      this.logger.error(`cannot send the open alerts to ${principal.username}: ${describe(err)}`);
      socket.disconnect(true);
    }
  }

  handleDisconnect(socket: LiveSocket): void {
    clearTimeout(this.expiries.get(socket));
    this.expiries.delete(socket);
  }

  @SubscribeMessage('alert:ack')
  async acknowledge(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: unknown,
  ): Promise<AckResponse> {
    const request = ackRequestSchema.safeParse(body);
    if (!request.success) return { ok: false, error: describeIssues(request.error, 'alert:ack') };
    try {
      const { id, note, severity } = request.data;
      const alert = await this.alerts.acknowledge(socket.data.principal, id, note, severity);
      return { ok: true, alert };
    } catch (err) {
      return { ok: false, error: describe(err) };
    }
  }

  /** One live stream entry → the rooms allowed to see it, on every gateway (called on the dispatcher only). */
  dispatch(record: LiveRecord): void {
    switch (record.t) {
      case 'alert':
        this.nsp.to(roomsFor(record.alert)).emit('alert', record.alert);
        this.emitted.inc({ event: 'alert' });
        // At debug only: the worker already logs each rule-driven transition with the same IDs.
        this.logger.debug(transitionLogFields(record.alert, record.transition));
        return;
      case 'device':
        this.nsp.to(roomsFor(record.device)).emit('device', record.device);
        this.emitted.inc({ event: 'device' });
        return;
      case 'incident': {
        // An incident that mixes kinds or owners (not a truck company's own) is for operators only.
        const { kind, owner } = record.incident;
        const rooms = kind && owner ? roomsFor({ kind, owner }) : [OPERATOR_ROOM];
        this.nsp.to(rooms).emit('incident', record.incident);
        this.emitted.inc({ event: 'incident' });
        return;
      }
    }
  }

  /**
   * Every gateway gets every kept refusal: each pushes it to its own operators and to the owner's room (a
   * company's; slope sites and pipeline networks have no users of their own).
   */
  pushRejection(record: RejectionRecord): void {
    this.nsp.local.to([OPERATOR_ROOM, companyRoom(record.owner)]).emit('rejection', record);
    this.emitted.inc({ event: 'rejection' });
  }

  /** Every gateway gets every duty-check change: to its own operators and the company asked. */
  pushDutyCheck(check: DutyCheckView): void {
    this.nsp.local.to([OPERATOR_ROOM, companyRoom(check.company)]).emit('duty-check', check);
    this.emitted.inc({ event: 'duty-check' });
  }

  /** Every gateway gets every platform link change: to its own operators and the company's room. */
  pushLink(change: PlatformLinkChange): void {
    this.nsp.local.to([OPERATOR_ROOM, companyRoom(change.company)]).emit('link', change);
    this.emitted.inc({ event: 'link' });
  }

  /** Every gateway gets every positions batch: each pushes them to its own clients only. */
  pushPositions(batch: Position[]): void {
    const local = this.nsp.local;
    local.to(OPERATOR_ROOM).emit('positions', batch);
    const byOwner = new Map<string, Position[]>();
    for (const p of batch) {
      const list = byOwner.get(p.owner);
      if (list) list.push(p);
      else byOwner.set(p.owner, [p]);
    }
    for (const [owner, positions] of byOwner) local.to(companyRoom(owner)).emit('positions', positions);
    this.emitted.inc({ event: 'positions' });
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
