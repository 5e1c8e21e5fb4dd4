import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import { writeToStream } from 'mqtt-packet';
import { AckWindow } from './ack-window';

export interface IngestMqttOptions {
  url: string;
  username: string;
  password: string;
  root: string;
  /** Base of the client IDs; connection i is `${clientIdBase}-${i}`. Stable across restarts, so that a
   *  restarted ingest resumes its persistent sessions and gets its unacknowledged messages again. */
  clientIdBase: string;
  /** Topic filters of each connection; their count is the number of connections. */
  subscriptions: string[][];
  /** How long the broker keeps a session (and queues for it) while ingest is away, seconds. */
  sessionExpirySec: number;
  /** Messages the broker may have in flight to one connection (MQTT v5 Receive Maximum, default 100). */
  receiveMaximum?: number;
  /**
   * Messages one connection may have in the hand-off at once (default 500); at the bound it stops reading
   * the socket until hand-offs finish, and the broker keeps the rest. Mosquitto 2.0.11 does not hold its
   * sending to the Receive Maximum here: 26,000 messages were measured in one process's hand-off at
   * 20,000 readings/s, enough to run the heap out. This bound is what keeps ingest's memory flat.
   */
  maxInHandOff?: number;
}

/**
 * Given to mqtt.js's callback instead of letting it send the PUBACK itself: the message was taken and the
 * next one may be read, but its acknowledgement waits in the connection's AckWindow.
 */
const HELD = new Error('PUBACK held until the message is durable');

/**
 * `retained`: the publisher set the retain flag (subscriptions keep it: Retain As Published);
 * `correlationData`: the publisher's MQTT 5 correlation data, echoed in a rejection notice.
 */
export type MessageHandler = (
  topic: string,
  payload: Buffer,
  retained: boolean,
  correlationData?: Buffer,
) => Promise<void>;

/**
 * The broker, as ingest sees it: MQTT v5, QoS 1, persistent sessions with an expiry, several connections
 * each with its own topic filters (owner-split or shared, see `ownerSubscriptions`). The broker's
 * acknowledgement (PUBACK) of a message goes out only when `handler` resolved — the handler resolves after
 * the message's readings are durable — and in the order the messages came.
 *
 * mqtt.js reads the next PUBLISH of a connection only once the previous one's PUBACK is sent. Waiting for
 * each hand-off there would cost one Redis round trip per message per connection, and the PUBACKs of one
 * group commit would go out one socket write each. So the client is told to move on at once, and each
 * connection's AckWindow sends the PUBACKs, in order, when their messages are durable. What bounds the
 * hand-off is `maxInHandOff`, not the broker's in-flight limit (see there).
 */
export class IngestMqttClient {
  private readonly clients: MqttClient[] = [];
  /** Hand-offs in progress, over every connection. */
  private handing = 0;
  private idle: Array<() => void> = [];
  private closing = false;

  constructor(
    private readonly o: IngestMqttOptions,
    private readonly handler: MessageHandler,
    private readonly onError: (err: Error, connection: number) => void,
  ) {}

  async connect(timeoutMs = 15_000): Promise<void> {
    for (let i = 0; i < this.o.subscriptions.length; i++) this.clients.push(this.open(i));
    await Promise.all(
      this.clients.map(
        (client, i) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`MQTT connection ${i} to ${this.o.url} not up within ${timeoutMs} ms`)),
              timeoutMs,
            );
            client.once('connect', () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }

  /** The client ID of each connection. */
  clientIds(): string[] {
    return this.o.subscriptions.map((_, i) => `${this.o.clientIdBase}-${i}`);
  }

  private open(i: number): MqttClient {
    const options: IClientOptions = {
      clientId: this.clientIds()[i],
      username: this.o.username,
      password: this.o.password,
      protocolVersion: 5,
      clean: false,
      keepalive: 30,
      reconnectPeriod: 1000,
      connectTimeout: 10_000,
      // mqtt.js otherwise calls its debug logger several times per packet, disabled or not.
      log: () => undefined,
      properties: {
        sessionExpiryInterval: this.o.sessionExpirySec,
        receiveMaximum: this.o.receiveMaximum ?? 100,
      },
    };
    const client = mqtt.connect(this.o.url, options);
    const acks = new AckWindow();
    const bound = this.o.maxInHandOff ?? 500;
    let inHandOff = 0;
    /** mqtt.js's callback for the message that reached the bound: called when there is room again. */
    let paused: (() => void) | undefined;
    client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
      // Closing: the message stays unread and unacknowledged, and the broker keeps it for the next session.
      if (this.closing) return;
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      const qos1 = packet.qos > 0 && packet.messageId !== undefined;
      const ticket = qos1 ? acks.hold(packet.messageId!) : undefined;
      this.handing++;
      inHandOff++;
      this.handler(packet.topic, payload, packet.retain, packet.properties?.correlationData)
        .then(
          () => {
            if (!ticket) return callback(); // QoS 0: nothing to acknowledge, handled in turn
            const ready = acks.settle(ticket);
            // Written in one go: mqtt-packet corks the socket until the next tick, so they share a write.
            if (client.connected)
              for (const messageId of ready)
                writeToStream({ cmd: 'puback', messageId, reasonCode: 0 }, client.stream, client.options);
          },
          // The handler retries its hand-off itself; an error here is a bug. Not acknowledging keeps the
          // message with the broker, which redelivers it on reconnect.
          (err: Error) => this.failed(client, acks, err, i),
        )
        .finally(() => {
          inHandOff--;
          if (paused && inHandOff < bound) {
            const resume = paused;
            paused = undefined;
            resume();
          }
          if (--this.handing === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
      if (!ticket) return;
      // Let mqtt.js read the next message now, or, at the bound, once a hand-off has finished.
      if (inHandOff < bound) callback(HELD);
      else paused = () => callback(HELD);
    };
    client.on('close', () => acks.reset());
    client.on('connect', () => {
      // Subscribe on every connect, even when the broker kept our session: a broker may restore a session
      // without some of its subscriptions (Mosquitto 2.0 drops shared ones on restart). It is idempotent.
      const filters = this.o.subscriptions[i];
      if (filters.length === 0) return;
      // Retain handling 2: the broker sends no retained message at subscribe time. Ingest subscribes on
      // every connect, and would otherwise be handed every retained message again each time (a replay of
      // whatever a client left there). Retain As Published: the handler learns that a publisher set the
      // flag, and the pipeline removes such a copy from telemetry topics.
      client.subscribe(filters, { qos: 1, rh: 2, rap: true }, (err, granted) => {
        if (err) this.onError(err, i);
        for (const g of granted ?? []) {
          if (g.qos > 2)
            this.onError(new Error(`broker refused subscription ${g.topic} (reason ${g.qos})`), i);
        }
      });
    });
    client.on('error', (err) => this.onError(err, i));
    return client;
  }

  /** A hand-off failed: drop what the connection held and start a new session, which gets it again. */
  private failed(client: MqttClient, acks: AckWindow, err: Error, i: number): void {
    this.onError(err, i);
    acks.reset();
    client.end(true);
    client.reconnect();
  }

  connectedCount(): number {
    return this.clients.filter((c) => c.connected).length;
  }

  /**
   * Publishes on the first connected connection: rejections are best-effort notices to the sender, and an
   * empty retained message removes the broker's retained copy of a topic.
   */
  publish(topic: string, payload: string, qos: 0 | 1 = 0, retain = false): void {
    const client = this.clients.find((c) => c.connected);
    if (!client) return;
    client.publish(topic, payload, { qos, retain }, (err) => {
      if (err) this.onError(err, this.clients.indexOf(client));
    });
  }

  /**
   * Stops taking messages, lets the hand-offs in progress finish (up to `drainMs`) so that their PUBACKs go
   * out, then disconnects. What was not acknowledged by then the broker sends again to the next session.
   */
  async close(drainMs = 5000): Promise<void> {
    this.closing = true;
    if (this.handing > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs))),
      ]);
      clearTimeout(timer);
    }
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }
}
