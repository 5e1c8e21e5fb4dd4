import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { IngestMqttClient } from '@lg/mqtt';
import { freePort, type ManagedProcess, startMosquitto, waitFor } from '@lg/services';

/**
 * Ingest's MQTT client against a real Mosquitto: a message's PUBACK goes out only once its hand-off
 * resolved, in arrival order, while the connection keeps reading the next messages. What the broker was
 * not told we took, it sends again to the next session under the same client ID; that is how these tests
 * see which PUBACKs went out.
 */
describe('IngestMqttClient acknowledgements', () => {
  let dir: string;
  let broker: ManagedProcess;
  let devicePort: number;
  let internalPort: number;
  let device: MqttClient;
  let run = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-ingest-mqtt-'));
    devicePort = await freePort();
    internalPort = await freePort();
    broker = await startMosquitto({
      dir,
      port: devicePort,
      internalPort,
      identities: {
        devices: { users: [{ username: 'dev', password: 'dev' }], acl: 'user dev\ntopic write t/#\n' },
        internal: { users: [{ username: 'ing', password: 'ing' }], acl: 'user ing\ntopic read t/#\n' },
      },
    });
    device = await mqtt.connectAsync(`mqtt://127.0.0.1:${devicePort}`, {
      username: 'dev',
      password: 'dev',
      protocolVersion: 5,
    });
  });

  afterAll(async () => {
    await device?.endAsync();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An ingest client whose hand-offs resolve only when the test says so. */
  function ingest(base: string, maxInHandOff?: number) {
    const taken: Array<{ body: string; done: () => void }> = [];
    const client = new IngestMqttClient(
      {
        url: `mqtt://127.0.0.1:${internalPort}`,
        username: 'ing',
        password: 'ing',
        root: 't',
        clientIdBase: base,
        subscriptions: [[`t/${base}/+`]],
        sessionExpirySec: 60,
        maxInHandOff,
      },
      (_topic, payload) =>
        new Promise<void>((resolve) => taken.push({ body: payload.toString(), done: resolve })),
      (err) => {
        throw err;
      },
    );
    return { client, taken };
  }

  /** Publishes messages 1..n, holds them all in A's hand-off, settles `settle`, closes A, and returns
   *  what the next session (B) is sent again. */
  async function redeliveredAfter(n: number, settle: number[]): Promise<string[]> {
    const base = `ack${++run}`;
    const a = ingest(base);
    await a.client.connect();
    for (let i = 1; i <= n; i++) await device.publishAsync(`t/${base}/x`, String(i), { qos: 1 });
    // Every message is in the hand-off at once: the connection did not wait for the first to settle.
    await waitFor('A to take every message', () => a.taken.length === n, 10_000);
    expect(a.taken.map((t) => t.body)).toEqual(Array.from({ length: n }, (_, i) => String(i + 1)));
    for (const i of settle) a.taken[i - 1].done();
    // The others never finish: close gives them a short while, then goes without acknowledging them.
    await a.client.close(settle.length === n ? 5000 : 300);

    const b = ingest(base);
    b.client.connect().catch(() => undefined);
    // B settles at once; the session's redelivery comes first, then nothing more is published.
    const seen: string[] = [];
    const drain = setInterval(() => {
      for (const t of b.taken.splice(0)) {
        seen.push(t.body);
        t.done();
      }
    }, 5);
    try {
      await waitFor('B to connect', () => b.client.connectedCount() === 1, 10_000);
      // A marker published after the reconnect arrives after everything the session still held.
      await device.publishAsync(`t/${base}/x`, 'marker', { qos: 1 });
      await waitFor('the marker to reach B', () => seen.includes('marker'), 10_000);
    } finally {
      clearInterval(drain);
      await b.client.close();
    }
    return seen.filter((s) => s !== 'marker');
  }

  it('holds every PUBACK until its hand-off resolved', async () => {
    expect(await redeliveredAfter(5, [])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('acknowledges in arrival order: messages settled behind an unsettled one stay unacknowledged', async () => {
    expect(await redeliveredAfter(5, [2, 3])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('acknowledges what was settled in order, and only that', async () => {
    expect(await redeliveredAfter(5, [3, 1, 2])).toEqual(['4', '5']);
  });

  it('reads no further than its hand-off bound: the broker keeps the rest until there is room', async () => {
    const base = `ack${++run}`;
    const a = ingest(base, 2);
    await a.client.connect();
    for (let i = 1; i <= 6; i++) await device.publishAsync(`t/${base}/x`, String(i), { qos: 1 });
    await waitFor('the first two', () => a.taken.length === 2, 10_000);
    a.taken[0].done();
    a.taken[1].done();
    await waitFor('two more, once there was room', () => a.taken.length === 4, 10_000);
    // All six reached the broker long before: only the bound kept 5 and 6 out.
    expect(a.taken.map((t) => t.body)).toEqual(['1', '2', '3', '4']);
    for (const t of a.taken.slice(2)) t.done();
    await waitFor('the last two', () => a.taken.length === 6, 10_000);
    for (const t of a.taken.slice(4)) t.done();
    await a.client.close();
  });
});
