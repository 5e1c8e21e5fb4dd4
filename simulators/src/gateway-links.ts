import mqtt, { type MqttClient } from 'mqtt';
import { gatewayStatusTopic } from '@lg/contracts';

const ONLINE = JSON.stringify({ state: 'online' });
const OFFLINE = JSON.stringify({ state: 'offline' });

export interface GatewayLinksOptions {
  url: string;
  root: string;
  /** The gateways to stand in for, each with its owner (a slope site or pipeline network). */
  gateways: ReadonlyArray<{ id: string; owner: string }>;
  passwordOf: (username: string) => string;
}

/**
 * Stands in for the demo's site and network gateways, as their owners: says each gateway is online on
 * connect and leaves a last will saying offline when the connection drops without a DISCONNECT
 * (docs/contract.md, "Gateway links"), like a company platform's link. The broker takes an owner's name
 * as its client ID, so an owner has one connection, and one will: the demo's owners have one gateway each
 * (the registry's default); a second gateway of an owner is said online, without a will of its own.
 */
export class GatewayLinks {
  private readonly clients = new Map<MqttClient, string[]>();

  private constructor(private readonly o: GatewayLinksOptions) {}

  static async start(o: GatewayLinksOptions): Promise<GatewayLinks> {
    const links = new GatewayLinks(o);
    const byOwner = new Map<string, string[]>();
    for (const g of o.gateways) byOwner.set(g.owner, [...(byOwner.get(g.owner) ?? []), g.id]);
    for (const [owner, gateways] of byOwner) await links.connect(owner, gateways);
    return links;
  }

  private topics(owner: string, gateways: readonly string[]): string[] {
    return gateways.map((g) => gatewayStatusTopic(this.o.root, owner, g));
  }

  private async connect(owner: string, gateways: string[]): Promise<void> {
    const topics = this.topics(owner, gateways);
    const client = mqtt.connect(this.o.url, {
      username: owner,
      password: this.o.passwordOf(owner),
      clientId: owner,
      protocolVersion: 5,
      reconnectPeriod: 1000,
      will: { topic: topics[0], payload: Buffer.from(OFFLINE), qos: 1, retain: true },
    });
    client.on('error', () => undefined);
    client.on('connect', () => {
      for (const t of topics) client.publish(t, ONLINE, { qos: 1, retain: true }, () => undefined);
    });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    this.clients.set(client, topics);
  }

  /** As a power cut: every connection dropped without a DISCONNECT, so the broker publishes the wills. */
  async abort(): Promise<void> {
    await Promise.all([...this.clients.keys()].map((c) => c.endAsync(true)));
  }

  /** A clean stop says offline itself (a DISCONNECT fires no will). */
  async stop(): Promise<void> {
    await Promise.all(
      [...this.clients].map(async ([c, topics]) => {
        if (c.connected)
          await Promise.all(
            topics.map((t) => c.publishAsync(t, OFFLINE, { qos: 1, retain: true }).catch(() => undefined)),
          );
        await c.endAsync();
      }),
    );
  }
}
