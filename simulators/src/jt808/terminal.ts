import { connect, type Socket } from 'node:net';
import {
  decodeFrame,
  encodeMessage,
  FrameSplitter,
  locationOf,
  RESULT,
  type Body,
  type Fix,
  type Jt808Version,
  type Message,
} from '@lg/jt808';

export interface TerminalIdentity {
  /** Terminal number digits (the registry's `terminal`). */
  terminal: string;
  plate: string;
  plateColor: number;
  /** The terminal's hardware ID (7 characters in 2013, up to 30 in 2019). */
  terminalId?: string;
  version?: Jt808Version;
}

/** A text message the platform sent, as the terminal saw it. */
export interface ReceivedText {
  serial: number;
  flags: number;
  text: string;
}

/**
 * A simulated JT/T 808 terminal over TCP, speaking through the platform's own encoder: registers,
 * authenticates, reports and answers text messages (0x8300 → 0x0001 success) as a vehicle terminal does.
 * Every request waits for the platform's answer to its serial number, with a deadline.
 */
export class Jt808Terminal {
  private serial = 0;
  private readonly waiters = new Map<string, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private readonly splitter = new FrameSplitter();
  readonly texts: ReceivedText[] = [];
  readonly received: Message[] = [];
  /** The last fix reported: the answer to a location query (0x8201). */
  private lastFix: Fix | undefined;
  /** Answer 0x8300 with 0x0001 success (switch off to leave a text unanswered). */
  answerTexts = true;
  /** Answer 0x8201 with 0x0201 (switch off to leave a location query unanswered). */
  answerLocationQueries = true;
  /** Location queries received (answered or not). */
  locationQueries = 0;
  private closedFlag = false;

  private constructor(
    private readonly socket: Socket,
    readonly identity: TerminalIdentity,
  ) {
    socket.on('data', (chunk) => {
      for (const item of this.splitter.push(chunk))
        if ('frame' in item) this.onFrame(decodeFrame(item.frame));
    });
    socket.on('close', () => {
      this.closedFlag = true;
      // Nothing will answer now: a request in flight was not taken (as far as this terminal knows).
      for (const w of this.waiters.values()) w.reject(new Error('connection closed'));
      this.waiters.clear();
    });
    socket.on('error', () => undefined);
  }

  static connect(host: string, port: number, identity: TerminalIdentity): Promise<Jt808Terminal> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Jt808Terminal(socket, identity));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  private get version(): Jt808Version {
    return this.identity.version ?? '2013';
  }

  private get terminalNumber(): string {
    return this.version === '2019' ? this.identity.terminal.padStart(20, '0') : this.identity.terminal;
  }

  private onFrame(m: Message): void {
    this.received.push(m);
    const b = m.body;
    if (b.type === 'platformResponse' || b.type === 'registerResponse') {
      const key = `${b.type === 'registerResponse' ? 0x0100 : b.replyId}:${b.replySerial}`;
      this.waiters.get(key)?.resolve(m);
      this.waiters.delete(key);
    } else if (b.type === 'locationQuery') {
      this.locationQueries++;
      if (!this.answerLocationQueries) return;
      const at = this.lastFix ?? { lat: 0, lon: 0, speed: 0, heading: 0, positioned: false };
      this.send({
        type: 'locationQueryResponse',
        replySerial: m.header.serial,
        location: locationOf({ ...at, ts: Math.floor(Date.now() / 1000) * 1000 }),
      });
    } else if (b.type === 'text') {
      this.texts.push({ serial: m.header.serial, flags: b.flags, text: b.text });
      if (this.answerTexts) {
        this.send({
          type: 'terminalResponse',
          replySerial: m.header.serial,
          replyId: 0x8300,
          result: RESULT.success,
        });
      }
    }
  }

  /** Sends a message; returns its serial number. */
  send(body: Body): number {
    const serial = this.serial;
    this.serial = (this.serial + 1) & 0xffff;
    this.socket.write(
      encodeMessage(
        { version: this.version, protocolVersion: 1, terminal: this.terminalNumber, serial },
        body,
      ),
    );
    return serial;
  }

  /** Writes raw bytes (tests of bad input). */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends and waits for the platform's answer to this message. */
  request(body: Body, timeoutMs = 10_000): Promise<Message> {
    const msgId = body.type === 'unsupported' ? body.msgId : undefined;
    const serial = this.serial;
    const id = msgId ?? idOf(body);
    const answered = this.waitFor(`${id}:${serial}`, timeoutMs);
    this.send(body);
    return answered;
  }

  waitFor(key: string, timeoutMs: number): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`no answer to ${key} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.set(key, {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  /** 0x0100: the 0x8100 result and authentication code. */
  async register(): Promise<{ result: number; authCode?: string }> {
    const m = await this.request({
      type: 'register',
      province: 44,
      city: 307,
      maker: 'LGSIM',
      model: 'LG-T808',
      terminalId: this.identity.terminalId ?? this.identity.terminal.slice(-7),
      plateColor: this.identity.plateColor,
      plate: this.identity.plate,
    });
    const b = m.body as Extract<Body, { type: 'registerResponse' }>;
    return { result: b.result, ...(b.authCode !== undefined ? { authCode: b.authCode } : {}) };
  }

  /** 0x0102: the 0x8001 result. */
  async authenticate(authCode: string): Promise<number> {
    return result(
      await this.request({ type: 'authenticate', authCode, imei: '860000000000000', software: 'sim-1.0' }),
    );
  }

  /** Registers if need be and authenticates; throws unless both succeed. Returns the code. */
  async logIn(authCode?: string): Promise<string> {
    let code = authCode;
    if (code === undefined) {
      const r = await this.register();
      if (r.result !== 0 || !r.authCode) throw new Error(`registration refused with result ${r.result}`);
      code = r.authCode;
    }
    const auth = await this.authenticate(code);
    if (auth !== 0) throw new Error(`authentication refused with result ${auth}`);
    return code;
  }

  async heartbeat(): Promise<number> {
    return result(await this.request({ type: 'heartbeat' }));
  }

  /** 0x0200: the 0x8001 result (0 once the platform holds the report durably). */
  async report(fix: Fix, timeoutMs?: number): Promise<number> {
    this.lastFix = fix;
    return result(await this.request({ type: 'location', location: locationOf(fix) }, timeoutMs));
  }

  /** 0x0704: a batch, normal or blind-area backfill. */
  async batch(fixes: Fix[], backfill = false): Promise<number> {
    return result(await this.request({ type: 'batchLocation', backfill, locations: fixes.map(locationOf) }));
  }

  async logout(): Promise<number> {
    return result(await this.request({ type: 'logout' }));
  }

  close(): Promise<void> {
    if (this.closedFlag) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }
}

function idOf(body: Body): number {
  const ids: Partial<Record<Body['type'], number>> = {
    register: 0x0100,
    authenticate: 0x0102,
    heartbeat: 0x0002,
    logout: 0x0003,
    location: 0x0200,
    batchLocation: 0x0704,
    terminalResponse: 0x0001,
  };
  const id = ids[body.type];
  if (id === undefined) throw new Error(`a terminal does not wait for an answer to ${body.type}`);
  return id;
}

function result(m: Message): number {
  if (m.body.type !== 'platformResponse') throw new Error(`expected 0x8001, got ${m.body.type}`);
  return m.body.result;
}
