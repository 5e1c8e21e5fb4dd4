import { connect, ReasonCodes, type IClientOptions, type MqttClient, type Packet } from 'mqtt';

/** The broker's answer to a QoS 1 publish (MQTT v5 PUBACK reason code). */
export interface PubAck {
  /** 0x00 success, 0x10 success with no subscriber, ≥ 0x80 refused (0x87: not authorized by the ACL). */
  reasonCode: number;
  /** Human text of the code, e.g. `Not authorized`. */
  reason: string;
  /** The broker accepted the message (reason code below 0x80). */
  accepted: boolean;
}

export function pubAck(reasonCode: number): PubAck {
  const text = (ReasonCodes as Record<number, string>)[reasonCode];
  return {
    reasonCode,
    reason: reasonCode === 0 ? 'Success' : (text ?? 'Unknown reason code'),
    accepted: reasonCode < 0x80,
  };
}

export function formatPubAck(ack: PubAck): string {
  return `0x${ack.reasonCode.toString(16).padStart(2, '0')} ${ack.reason}`;
}

/** What `DeviceClient.send` reports: the PUBACK reason code, or why the publish failed. */
export type SendDone = (err: Error | undefined, reasonCode: number) => void;

/** mqtt.js formats a debug line per packet unless given its own `log`; the simulators never read them. */
const NO_LOG = (): void => undefined;

export interface DeviceClientOptions {
  url: string;
  clientId: string;
  username: string;
  password: string;
  /** A retained message the broker publishes if the connection dies without a DISCONNECT. */
  will?: { topic: string; payload: string };
  /** Published retained at QoS 1 on every (re)connect, e.g. `{"online": true}`. */
  onConnect?: { topic: string; payload: string };
  /** Milliseconds between reconnect attempts; 0 disables reconnecting. */
  reconnectPeriodMs?: number;
  connectTimeoutMs?: number;
  /**
   * Ping every keep-alive period even while packets flow, instead of restarting the keep-alive timer on
   * every PUBACK (a timer reset per message: load mode at thousands of messages a second).
   */
  steadyPings?: boolean;
}

/**
 * One MQTT v5 connection of a simulated device (or owner platform): QoS 1 publishes that report the broker's
 * PUBACK reason code, a retained last will, a clean close and an abrupt one (as a crash or power loss).
 * The only place in the simulator that touches the MQTT client library.
 */
export class DeviceClient {
  /** PUBACK reason codes by packet identifier, recorded as acks arrive and taken by the publish callback. */
  private readonly acks = new Map<number, number>();
  private closed = false;

  private constructor(
    private readonly client: MqttClient,
    readonly options: DeviceClientOptions,
  ) {
    client.on('packetreceive', (packet: Packet) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined) {
        this.acks.set(packet.messageId, packet.reasonCode ?? 0);
      }
    });
    if (options.onConnect) {
      const { topic, payload } = options.onConnect;
      client.on('connect', () => {
        // Fire and forget: a refusal is logged by whoever watches `error`, and the next connect retries.
        client.publish(topic, payload, { qos: 1, retain: true }, () => undefined);
      });
    }
  }

  /** Connects; rejects with the broker's reason (bad credentials, refused, unreachable) on the first failure. */
  static connect(o: DeviceClientOptions): Promise<DeviceClient> {
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      clean: true,
      keepalive: 30,
      reconnectPeriod: o.reconnectPeriodMs ?? 2000,
      connectTimeout: o.connectTimeoutMs ?? 10_000,
      will: o.will
        ? { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: 1, retain: true }
        : undefined,
      log: NO_LOG,
      reschedulePings: !o.steadyPings,
    };
    return new Promise((resolve, reject) => {
      const client = connect(o.url, options);
      const device = new DeviceClient(client, o);
      const onConnect = (): void => {
        client.off('error', onError);
        client.off('close', onClose);
        resolve(device);
      };
      const onError = (err: Error): void => {
        client.off('connect', onConnect);
        client.off('close', onClose);
        client.end(true);
        reject(
          new Error(`${o.clientId}: cannot connect to ${o.url} as ${o.username}: ${err.message}`, {
            cause: err,
          }),
        );
      };
      // Without reconnects a refused TCP connection only shows as `close`.
      const onClose = (): void => {
        if (options.reconnectPeriod !== 0) return;
        onError(new Error('connection closed before CONNACK'));
      };
      client.once('connect', onConnect);
      client.once('error', onError);
      client.on('close', onClose);
    });
  }

  get connected(): boolean {
    return this.client.connected;
  }

  /** Listen to connection trouble after the first connect (reconnects happen on their own). */
  onTrouble(listener: (event: 'offline' | 'reconnect' | 'error', detail?: Error) => void): void {
    this.client.on('offline', () => listener('offline'));
    this.client.on('reconnect', () => listener('reconnect'));
    this.client.on('error', (err) => listener('error', err));
  }

  /**
   * Publishes at QoS 1 and resolves with the PUBACK. A refusal by the broker resolves too (see `accepted`);
   * a connection that closes before the ack rejects. At QoS 0 (load tests only) it resolves once the
   * message is written, with reason 0.
   */
  publish(
    topic: string,
    payload: string | Buffer,
    opts: { retain?: boolean; qos?: 0 | 1; expirySec?: number } = {},
  ): Promise<PubAck> {
    return new Promise((resolve, reject) => {
      this.send(
        topic,
        payload,
        opts.qos ?? 1,
        opts.retain ?? false,
        (err, reasonCode) => {
          if (err) reject(err);
          else resolve(pubAck(reasonCode));
        },
        opts.expirySec,
      );
    });
  }

  /**
   * `publish` for the load generator's hot path, without a promise: `done` gets the PUBACK reason code (a
   * refusal, ≥ 0x80, included; 0 at QoS 0 once written), or the error if the publish failed.
   */
  send(
    topic: string,
    payload: string | Buffer,
    qos: 0 | 1,
    retain: boolean,
    done: SendDone,
    /** MQTT 5 message expiry: the broker drops the message (a retained copy too) after this many seconds. */
    expirySec?: number,
  ): void {
    const options =
      expirySec === undefined
        ? { qos, retain }
        : { qos, retain, properties: { messageExpiryInterval: expirySec } };
    this.client.publish(topic, payload, options, (err, packet) => {
      const code = (err as { code?: unknown } | undefined)?.code;
      if (err && typeof code === 'number') {
        done(undefined, code);
        return;
      }
      if (err) {
        done(new Error(`publish to ${topic} failed: ${err.message}`, { cause: err }), 0);
        return;
      }
      const id = packet?.messageId;
      const reasonCode = id !== undefined ? (this.acks.get(id) ?? 0) : 0;
      if (id !== undefined) this.acks.delete(id);
      done(undefined, reasonCode);
    });
  }

  /**
   * Subscribes at QoS 1 and hands every message on the filter to `onMessage`; rejects if the broker refuses
   * the subscription (an identity may read only its own rejections). `expirySec` is what is left of the
   * message's MQTT 5 expiry interval, if it has one.
   */
  async subscribe(
    filter: string,
    onMessage: (topic: string, payload: Buffer, expirySec?: number) => void,
  ): Promise<void> {
    this.client.on('message', (topic, payload, packet) =>
      onMessage(topic, payload, packet.properties?.messageExpiryInterval),
    );
    const granted = await this.client.subscribeAsync(filter, { qos: 1 });
    const refused = granted.find((g) => g.qos >= 0x80);
    if (refused) {
      throw new Error(
        `${this.options.username} may not subscribe to ${filter} (reason 0x${refused.qos.toString(16)})`,
      );
    }
  }

  /**
   * Clean shutdown: publishes `lastWords` (retained, e.g. `{"online": false}`) if connected, then sends
   * DISCONNECT so that the broker drops the will. Bounded by `timeoutMs`.
   */
  async close(lastWords?: { topic: string; payload: string }, timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (lastWords && this.client.connected) {
      await withTimeout(this.publish(lastWords.topic, lastWords.payload, { retain: true }), timeoutMs).catch(
        () => undefined,
      );
    }
    const ended = await withTimeout(this.client.endAsync(false), timeoutMs).then(
      () => true,
      () => false,
    );
    if (!ended) await this.client.endAsync(true);
  }

  /** Drops the connection without DISCONNECT, as a crash would: the broker publishes the will. */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.endAsync(true);
  }
}

/** Resolves or rejects as `promise` does, or rejects after `ms`; the timer never outlives the call. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
