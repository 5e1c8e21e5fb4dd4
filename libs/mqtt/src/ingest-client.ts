import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';

export interface IngestMqttOptions {
  url: string;
  username: string;
  password: string;
  root: string;
  /** Base of the client IDs; connection i is `${clientIdBase}-${i}`. Stable across restarts, so that a
   *  restarted ingest resumes its persistent sessions and gets its unacknowledged messages again. */
  clientIdBase: string;
  /** Topic filters of each connection; their count is the number of connections. mqtt.js handles one
   *  PUBLISH at a time per connection and we acknowledge only after a durable hand-off, so throughput
   *  grows with connections (performance.md). */
  subscriptions: string[][];
  /** How long the broker keeps a session (and queues for it) while ingest is away, seconds. */
  sessionExpirySec: number;
}

export type MessageHandler = (topic: string, payload: Buffer) => Promise<void>;

/**
 * The broker, as ingest sees it: MQTT v5, QoS 1, persistent sessions with an expiry, several connections
 * each with its own topic filters (owner-split or shared, see `ownerSubscriptions`). The broker's acknowledgement (PUBACK) of a message goes out only
 * when `handler` resolved — the handler resolves after the message's readings are durable.
 */
export class IngestMqttClient {
  private readonly clients: MqttClient[] = [];

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
      properties: { sessionExpiryInterval: this.o.sessionExpirySec, receiveMaximum: 100 },
    };
    const client = mqtt.connect(this.o.url, options);
    client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
      const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
      this.handler(packet.topic, payload).then(
        () => callback(),
        // The handler retries its hand-off itself; an error here is a bug. Not acknowledging keeps the
        // message with the broker, which redelivers it on reconnect.
        (err: Error) => {
          this.onError(err, i);
          client.end(true);
          client.reconnect();
        },
      );
    };
    client.on('connect', () => {
      // Subscribe on every connect, even when the broker kept our session: a broker may restore a session
      // without some of its subscriptions (Mosquitto 2.0 drops shared ones on restart). It is idempotent.
      const filters = this.o.subscriptions[i];
      if (filters.length === 0) return;
      client.subscribe(filters, { qos: 1 }, (err, granted) => {
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

  connectedCount(): number {
    return this.clients.filter((c) => c.connected).length;
  }

  /** Publishes on the first connected connection; rejections are best-effort notices to the sender. */
  publish(topic: string, payload: string, qos: 0 | 1 = 0): void {
    const client = this.clients.find((c) => c.connected);
    if (!client) return;
    client.publish(topic, payload, { qos }, (err) => {
      if (err) this.onError(err, this.clients.indexOf(client));
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map((c) => c.endAsync()));
  }
}
