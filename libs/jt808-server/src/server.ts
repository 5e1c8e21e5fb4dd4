import { createServer, type Server, type Socket } from 'node:net';
import type { Jt808Answer, Jt808InstanceMessage } from '@lg/contracts';
import {
  decodeMessage,
  decodePacket,
  encodeMessage,
  FrameSplitter,
  Jt808Error,
  locationView,
  msgIdHex,
  MSG,
  REGISTER_RESULT,
  RESULT,
  SubPackageAssembler,
  truckPayload,
  type Address,
  type Body,
  type Header,
  type Location,
  type Message,
  type ReassemblyLimits,
  type TruckPayload,
} from '@lg/jt808';
import type { Device, Registry } from '@lg/registry';
import { terminalKey } from '@lg/registry';
import type { ConnectionDirectory } from './connections';
import type { Jt808ReadingSink, TakeResult } from './reading-sink';
import type { TerminalRegistrations } from './registrations';

export interface Jt808ServerOptions {
  host: string;
  port: number;
  /** This instance's name: connection IDs (`instance/n`) and its pub/sub channel derive from it. */
  instance: string;
  /** A connection that completes no frame for this long is closed, ms. */
  idleMs: number;
  maxFrameBytes: number;
  reassembly: ReassemblyLimits;
  /** Frames waiting on one connection before it stops reading (a terminal that floods waits). */
  maxQueuedFrames: number;
  /** Bad frames one connection may send before it is closed. */
  maxBadFrames: number;
  /** Open connections at most; more are refused at accept (each holds at most one frame's bytes). */
  maxConnections: number;
}

/** What the server counts (metrics) and says (log). */
export interface Jt808Observer {
  frame(msgId: string): void;
  badFrame(reason: string): void;
  registration(result: number): void;
  closed(reason: string): void;
  log(message: string): void;
}

export interface Jt808Ports {
  registry: Registry;
  registrations: TerminalRegistrations;
  connections: ConnectionDirectory;
  sink: Jt808ReadingSink;
  /** Sends a message to another instance's channel (a take-over). */
  tellInstance(conn: string, message: Jt808InstanceMessage): Promise<void>;
  /** Publishes what became of a downlink request. */
  answer(answer: Jt808Answer): Promise<void>;
  observer: Jt808Observer;
  now?: () => number;
}

type CloseReason = 'idle' | 'bad_input' | 'too_large' | 'replaced' | 'peer' | 'shutdown' | 'error';

/** Recent reports taken, per truck: a retransmission of one (same serial and time) is answered, not stored again. */
const DEDUPE_DEPTH = 64;
/** Message IDs a terminal sends that the gateway reads. */
const SPOKEN = new Set<number>([
  MSG.terminalResponse,
  MSG.heartbeat,
  MSG.logout,
  MSG.register,
  MSG.authenticate,
  MSG.location,
  MSG.locationQueryResponse,
  MSG.batchLocation,
]);
/** Downlink requests a connection remembers while waiting for the terminal's 0x0001. */
const PENDING_DOWNLINKS = 32;

/**
 * The JT/T 808 TCP server of one gateway instance: frames in (bounded splitter, sub-package reassembly),
 * one message at a time per connection, answers out. Registration and authentication against the registry
 * and Redis, one connection per terminal across instances, heartbeats, logout, idle timeout; reports go
 * into the platform through the reading sink and are acknowledged (0x8001 success) only once durable.
 * Bad input is answered as the standard says or the connection closed; nothing a terminal sends can
 * throw out of here.
 */
export class Jt808Server {
  private server: Server | undefined;
  private readonly open = new Set<Connection>();
  private readonly byDevice = new Map<string, Connection>();
  private readonly recent = new Map<string, string[]>();
  private seq = 0;

  constructor(
    readonly options: Jt808ServerOptions,
    readonly ports: Jt808Ports,
  ) {}

  async start(): Promise<{ port: number }> {
    const server = (this.server = createServer((socket) => this.accept(socket)));
    server.maxConnections = this.options.maxConnections;
    server.on('drop', () => this.ports.observer.closed('over_limit'));
    server.on('error', (err) => this.ports.observer.log(`server: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    return { port: typeof address === 'object' && address ? address.port : this.options.port };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const c of [...this.open]) c.close('shutdown');
    await closed;
    // Let handlers in flight finish their appends: their terminals were not answered and will resend.
    await Promise.allSettled([...this.open].map((c) => c.idle()));
  }

  get connectionCount(): number {
    return this.open.size;
  }

  get authenticatedCount(): number {
    return this.byDevice.size;
  }

  /** A message on this instance's channel: a downlink text, or a take-over closing our connection. */
  async onInstanceMessage(m: Jt808InstanceMessage): Promise<void> {
    const c = this.byDevice.get(m.device);
    if (m.t === 'close') {
      if (c && c.id === m.conn) c.close('replaced');
      return;
    }
    if (!c || c.id !== m.conn) {
      await this.ports.answer({
        id: m.id,
        status: 'failed',
        message: `terminal of ${m.device} is not connected here`,
      });
      return;
    }
    if (m.t === 'locate') await c.sendLocate(m.id);
    else await c.sendText(m.id, m.text, m.flags);
  }

  private accept(socket: Socket): void {
    const c = new Connection(`${this.options.instance}/${++this.seq}`, socket, this);
    this.open.add(c);
    socket.once('close', () => {
      this.open.delete(c);
      void c.gone();
    });
  }

  /** @internal */ attach(device: string, c: Connection): Connection | undefined {
    const previous = this.byDevice.get(device);
    this.byDevice.set(device, c);
    return previous !== c ? previous : undefined;
  }

  /** @internal */ detach(device: string, c: Connection): boolean {
    if (this.byDevice.get(device) !== c) return false;
    this.byDevice.delete(device);
    return true;
  }

  /** @internal True when this report was taken before (and is remembered). */
  seen(device: string, key: string): boolean {
    return this.recent.get(device)?.includes(key) ?? false;
  }

  /** @internal */ remember(device: string, key: string): void {
    let list = this.recent.get(device);
    if (!list) this.recent.set(device, (list = []));
    list.push(key);
    if (list.length > DEDUPE_DEPTH) list.shift();
  }
}

/** One terminal's TCP connection. */
class Connection {
  private readonly splitter: FrameSplitter;
  private readonly assembler: SubPackageAssembler;
  private chain: Promise<void> = Promise.resolve();
  private queued = 0;
  private paused = false;
  private closed = false;
  private badFrames = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastRefresh = 0;
  private serial = 0;
  private address: Address | undefined;
  /** Set once the terminal authenticated. */
  private device: Device | undefined;
  private readonly downlinks = new Map<number, string>();

  constructor(
    readonly id: string,
    private readonly socket: Socket,
    private readonly server: Jt808Server,
  ) {
    const o = server.options;
    this.splitter = new FrameSplitter(o.maxFrameBytes);
    this.assembler = new SubPackageAssembler(o.reassembly);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close('error'));
    socket.on('end', () => this.close('peer'));
    this.touch();
  }

  private get ports(): Jt808Ports {
    return this.server.ports;
  }

  private now(): number {
    return this.ports.now?.() ?? Date.now();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    for (const item of this.splitter.push(chunk)) {
      if ('error' in item) {
        // An endless or oversized frame: the stream cannot be trusted to be a terminal's.
        this.ports.observer.badFrame(item.error.code);
        this.close('too_large');
        return;
      }
      this.touch();
      this.queued++;
      // Nothing a frame does may stop the frames after it, or escape as an unhandled rejection.
      this.chain = this.chain
        .then(() => this.process(item.frame))
        .catch((err: unknown) =>
          this.ports.observer.log(`${this.id}: ${err instanceof Error ? err.message : String(err)}`),
        )
        .finally(() => this.drained());
      if (this.queued >= this.server.options.maxQueuedFrames && !this.paused) {
        this.paused = true;
        this.socket.pause();
      }
    }
  }

  private drained(): void {
    this.queued--;
    if (this.paused && this.queued < this.server.options.maxQueuedFrames / 2 && !this.closed) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** Resolves when the frames taken so far are handled. */
  idle(): Promise<void> {
    return this.chain;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.close('idle'), this.server.options.idleMs);
    this.idleTimer.unref();
  }

  close(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.ports.observer.closed(reason);
    if (reason === 'bad_input' || reason === 'too_large' || reason === 'replaced' || reason === 'shutdown') {
      this.socket.destroy();
    } else {
      this.socket.end();
      this.socket.destroySoon?.();
    }
  }

  /** The socket is gone: the truck goes offline unless a newer connection took it. */
  async gone(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    await this.chain;
    const device = this.device;
    if (!device || !this.server.detach(device.id, this)) return;
    await this.guard(async () => {
      await this.ports.connections.release(device.id, this.id);
      // Offline only if no connection (here or elsewhere) holds the truck now.
      if ((await this.ports.connections.holder(device.id)) === undefined) {
        await this.ports.sink.status(device, false, this.now());
      }
    });
  }

  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.ports.observer.log(`${this.id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async process(frame: Buffer): Promise<void> {
    let message: Message | undefined;
    let header: Header | undefined;
    try {
      const packet = decodePacket(frame);
      header = packet.header;
      const done = this.assembler.add(packet, this.now());
      if (done.state === 'pending') return;
      if (done.state === 'refused') throw done.error;
      message = decodeMessage(done.packet);
    } catch (err) {
      if (!(err instanceof Jt808Error)) throw err;
      this.ports.observer.badFrame(err.code);
      if (++this.badFrames > this.server.options.maxBadFrames) {
        this.close('bad_input');
        return;
      }
      // A body the standard's layout does not fit: "message error". A frame whose check code or escape
      // is wrong has no header to trust: no answer, so the terminal sends it again.
      if (header && (err.code === 'length' || err.code === 'sub_package' || err.code === 'bcd')) {
        this.reply(header, RESULT.messageError);
      }
      return;
    }
    // Labelled by ID for the messages we speak only: a terminal choosing IDs must not choose our series.
    this.ports.observer.frame(SPOKEN.has(message.header.msgId) ? msgIdHex(message.header.msgId) : 'other');
    try {
      await this.handle(message);
    } catch (err) {
      // Redis down after retries, say: the terminal gets no answer and sends again.
      this.ports.observer.log(
        `${this.id}: ${msgIdHex(message.header.msgId)} of ${message.header.terminal}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  private send(to: Header, body: Body): number {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    const address: Address = {
      version: to.version,
      ...(to.protocolVersion !== undefined ? { protocolVersion: to.protocolVersion } : {}),
      terminal: to.terminal,
      serial,
    };
    const frame = encodeMessage(address, body);
    if (this.socket.writable) this.socket.write(frame);
    return serial;
  }

  private reply(to: Header, result: number): void {
    this.send(to, { type: 'platformResponse', replySerial: to.serial, replyId: to.msgId, result });
  }

  private async handle(m: Message): Promise<void> {
    const h = m.header;
    const b = m.body;
    switch (b.type) {
      case 'register':
        return this.register(h, b);
      case 'authenticate':
        return this.authenticate(h, b.authCode);
      case 'heartbeat':
        this.reply(h, RESULT.success);
        return this.refresh();
      case 'logout': {
        const device = this.authenticated(h);
        if (!device) return;
        await this.ports.registrations.remove(terminalKey(h.terminal));
        this.reply(h, RESULT.success);
        this.device = undefined;
        if (this.server.detach(device.id, this)) {
          await this.ports.connections.release(device.id, this.id);
          await this.ports.sink.status(device, false, this.now());
        }
        return;
      }
      case 'location':
        return this.report(h, [b.location], true);
      case 'batchLocation':
        return this.report(h, b.locations, true);
      case 'locationQueryResponse': {
        // An answer to our 0x8201: stored like a report; it is itself a response, so none goes back.
        await this.report(h, [b.location], false);
        const id = this.downlinks.get(b.replySerial);
        if (id !== undefined) {
          this.downlinks.delete(b.replySerial);
          const v = locationView(b.location);
          const located = {
            lat: v.lat,
            lon: v.lon,
            speed: v.speed,
            heading: v.heading,
            time: v.time,
            positioned: v.positioned,
          };
          await this.ports.answer({ id, status: 'answered', result: RESULT.success, located });
        }
        return;
      }
      case 'terminalResponse': {
        const id = this.downlinks.get(b.replySerial);
        if (id !== undefined) {
          this.downlinks.delete(b.replySerial);
          await this.ports.answer({ id, status: 'answered', result: b.result });
        }
        return;
      }
      case 'unsupported':
      case 'platformResponse':
      case 'registerResponse':
      case 'text':
      case 'locationQuery':
        this.reply(h, RESULT.notSupported);
        return;
    }
  }

  private async register(h: Header, b: Extract<Body, { type: 'register' }>): Promise<void> {
    const answer = (result: number, authCode?: string) => {
      this.ports.observer.registration(result);
      this.send(h, {
        type: 'registerResponse',
        replySerial: h.serial,
        result,
        ...(authCode ? { authCode } : {}),
      });
    };
    const registry = this.ports.registry;
    const device = registry.deviceByTerminal(h.terminal);
    if (!device || device.kind !== 'truck') return answer(REGISTER_RESULT.noSuchTerminal);
    // Plate colour 0: the vehicle is not yet plated and sends its VIN instead; the terminal number decides.
    if (b.plateColor !== 0 && device.plate !== undefined && b.plate !== device.plate) {
      const other = registry.allDevices().find((d) => d.kind === 'truck' && d.plate === b.plate);
      return answer(other ? REGISTER_RESULT.vehicleRegistered : REGISTER_RESULT.noSuchVehicle);
    }
    const outcome = await this.ports.registrations.register(terminalKey(h.terminal), b.terminalId, device.id);
    if (!outcome.ok) return answer(REGISTER_RESULT.terminalRegistered);
    answer(REGISTER_RESULT.success, outcome.code);
  }

  private async authenticate(h: Header, code: string): Promise<void> {
    const reg = await this.ports.registrations.get(terminalKey(h.terminal));
    const device = reg && reg.code === code ? this.ports.registry.device(reg.device) : undefined;
    if (!device) {
      this.ports.observer.badFrame('auth_failed');
      this.reply(h, RESULT.failure);
      if (++this.badFrames > this.server.options.maxBadFrames) this.close('bad_input');
      return;
    }
    this.device = device;
    this.address = {
      version: h.version,
      protocolVersion: h.protocolVersion,
      terminal: h.terminal,
      serial: 0,
    };
    // One connection per terminal: a second replaces the first, here or on another instance.
    this.server.attach(device.id, this)?.close('replaced');
    const previous = await this.ports.connections.claim(device.id, this.id);
    if (previous) await this.ports.tellInstance(previous, { t: 'close', device: device.id, conn: previous });
    this.lastRefresh = this.now();
    this.reply(h, RESULT.success);
    await this.ports.sink.status(device, true, this.now());
  }

  /** The truck of an authenticated connection whose messages carry its terminal number; else answered. */
  private authenticated(h: Header): Device | undefined {
    if (this.device && terminalKey(h.terminal) === terminalKey(this.address!.terminal)) return this.device;
    this.ports.observer.badFrame(this.device ? 'terminal_mismatch' : 'unauthenticated');
    this.reply(h, RESULT.failure);
    if (++this.badFrames > this.server.options.maxBadFrames) this.close('bad_input');
    return undefined;
  }

  private async refresh(): Promise<void> {
    const device = this.device;
    if (!device || this.now() - this.lastRefresh < this.server.options.idleMs / 4) return;
    this.lastRefresh = this.now();
    await this.ports.connections.refresh(device.id, this.id);
  }

  private async report(h: Header, locations: Location[], answer: boolean): Promise<void> {
    const device = this.authenticated(h);
    if (!device) return;
    const key = `${h.msgId}:${h.serial}:${locations[0]?.time ?? ''}:${locations.length}`;
    if (this.server.seen(device.id, key)) {
      // A retransmission of a report already durable: the terminal did not get our answer.
      if (answer) this.reply(h, RESULT.success);
      return;
    }
    const payloads: TruckPayload[] = [];
    let unreadable = 0;
    for (const loc of locations) {
      const p = truckPayload(loc);
      if (p.ok) payloads.push(p.payload);
      else {
        unreadable++;
        this.ports.observer.badFrame('bad_time');
      }
    }
    const taken: TakeResult =
      payloads.length > 0
        ? await this.ports.sink.readings(device, payloads, this.now())
        : { stored: 0, refused: [] };
    await this.refresh();
    if (taken.refused.some((r) => r.reason === 'rate_limited')) {
      // Over its rate: "failure", so that the terminal keeps it and sends it again later.
      if (answer) this.reply(h, RESULT.failure);
      return;
    }
    this.server.remember(device.id, key);
    if (!answer) return;
    // Nothing in it could be stored (bad times, values out of the contract's hard bounds): resending will
    // not help, "message error". Otherwise what could be stored is durable: success.
    this.reply(
      h,
      taken.stored === 0 && (unreadable > 0 || taken.refused.length > 0)
        ? RESULT.messageError
        : RESULT.success,
    );
  }

  async sendLocate(id: string): Promise<void> {
    if (!this.address || !this.device) {
      await this.ports.answer({ id, status: 'failed', message: 'the terminal is not authenticated' });
      return;
    }
    const serial = this.send(
      { ...this.address, msgId: MSG.locationQuery, serial: 0, encryption: 0 },
      {
        type: 'locationQuery',
      },
    );
    this.remember(serial, id);
    await this.ports.answer({ id, status: 'sent', serial });
  }

  private remember(serial: number, id: string): void {
    this.downlinks.set(serial, id);
    if (this.downlinks.size > PENDING_DOWNLINKS) this.downlinks.delete(this.downlinks.keys().next().value!);
  }

  async sendText(id: string, text: string, flags: number): Promise<void> {
    if (!this.address || !this.device) {
      await this.ports.answer({ id, status: 'failed', message: 'the terminal is not authenticated' });
      return;
    }
    let serial: number;
    try {
      const to: Header = { ...this.address, msgId: 0x8300, serial: 0, encryption: 0 };
      serial = this.send(
        to,
        to.version === '2019' ? { type: 'text', flags, textType: 1, text } : { type: 'text', flags, text },
      );
    } catch (err) {
      if (!(err instanceof Jt808Error)) throw err;
      await this.ports.answer({ id, status: 'failed', message: err.message });
      return;
    }
    this.remember(serial, id);
    await this.ports.answer({ id, status: 'sent', serial });
  }
}
