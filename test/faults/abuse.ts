import type { IPublishPacket, MqttClient } from 'mqtt';
import type { Rejection } from '@lg/contracts';
import type { Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import { mqttClientAs } from '../e2e/helpers';

/**
 * Abusive clients for the fault suite. Each uses C03, a company the numbered load (C01, C02) and the gas
 * alarm (P01) do not, so that what the suite checks of the other tenants is untouched by the abuser's own
 * refusals. Each returns a one-line account of what it did and what it saw.
 */
export const ABUSER = 'C03';

/** An identity of the internal listener that reads everything under the root (Platform `observers`). */
export const OBSERVER = { username: 'faults-observer', password: 'faults-observer' };

/**
 * The rejection notices of an owner, read on the internal listener: the owner's own identity cannot watch
 * them while it publishes, since the device listener keeps one connection per identity.
 */
async function rejectionsOf(
  platform: Platform,
  owner: string,
): Promise<{ client: MqttClient; got: Rejection[] }> {
  const client = await connect(
    platform.services.internalMqttUrl,
    OBSERVER.username,
    OBSERVER.password,
    `notices-${Math.random().toString(36).slice(2, 8)}`,
  );
  const got: Rejection[] = [];
  client.on('message', (_t, payload) => got.push(JSON.parse(payload.toString()) as Rejection));
  await client.subscribeAsync(`${platform.root}/_rejected/+/${owner}/#`, { qos: 0 });
  return { client, got };
}

function connect(url: string, username: string, password: string, clientId = username): Promise<MqttClient> {
  const client = mqttClientAs(url, username, password, clientId, { clean: true });
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
  });
}

/** PUBACK reason code of a QoS 1 publish (0 accepted, 0x87 refused by the ACL, …). */
async function publishCode(client: MqttClient, topic: string, payload: string | Buffer, retain = false) {
  try {
    const packet = await client.publishAsync(topic, payload, { qos: 1, retain });
    return packet?.cmd === 'puback' ? (packet.reasonCode ?? 0) : 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') return code;
    throw err;
  }
}

const TOPIC_CHARS = 60_000;

/**
 * The incident of issue 13: one owner floods QoS 1 publishes to 60,000-character topics under its own ID.
 * First as the owner, on the device listener: the broker's ACL names each of its devices, so every one is
 * refused there. Then the same flood through ingest's own internal listener (standing in for any path a
 * message reaches ingest's subscriptions, such as the `+` ACL of before): ingest is killed with SIGKILL
 * part-way, the rest is queued by the broker for ingest's persistent sessions and replayed when it is back.
 */
export async function longTopicFlood(
  platform: Platform,
  o: { viaOwner: number; viaBroker: number; killAfter: number },
): Promise<() => string> {
  const root = platform.root;
  const owner = await connect(platform.services.mqttUrl, ABUSER, ABUSER);
  const long = (i: number) => `${root}/truck/${ABUSER}/${'x'.repeat(TOPIC_CHARS)}${i}/telemetry`;
  const payload = JSON.stringify({ ts: Date.now(), lat: 22.7, lon: 114.3, speed: 10 });
  const codes = new Map<number, number>();
  for (let i = 0; i < o.viaOwner; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, o.viaOwner - i) }, (_, k) =>
        publishCode(owner, long(i + k), payload),
      ),
    );
    for (const c of batch) codes.set(c, (codes.get(c) ?? 0) + 1);
  }
  await owner.endAsync();

  const internal = await connect(
    platform.services.internalMqttUrl,
    'lg-ingest',
    'lg-ingest',
    `flood-${Math.random().toString(36).slice(2, 8)}`,
  );
  let sent = 0;
  let killedAt = -1;
  for (let i = 0; i < o.viaBroker; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, o.viaBroker - i) }, (_, k) =>
        internal.publishAsync(long(i + k), payload, { qos: 1 }),
      ),
    );
    sent = i + 50;
    if (killedAt < 0 && sent >= o.killAfter) {
      await platform.kill('ingest');
      killedAt = sent;
    }
  }
  await internal.endAsync();
  const refusedByAcl = [...codes].map(([c, n]) => `${n} × 0x${c.toString(16)}`).join(', ');
  return () =>
    `${o.viaOwner} publishes as ${ABUSER} to ${TOPIC_CHARS}-character topics: PUBACK ${refusedByAcl}; ` +
    `${o.viaBroker} more through the internal listener, ingest killed after ${killedAt} and the rest ` +
    `replayed to it by the broker`;
}

/**
 * Retained and oversized publishes from one owner: valid readings with the retain flag (taken as
 * readings; the broker's retained copies removed by ingest), payloads between the contract's 256 KiB and
 * the broker's 1 MiB packet limit (a `too_large` notice each), and one 1.2 MiB publish (over the broker's
 * limit: what the client sees is recorded).
 */
export async function retainedAndOversized(
  platform: Platform,
  o: { retained: number; tooLarge: number },
): Promise<{ summary: () => Promise<string>; retainedTs: Map<string, number[]> }> {
  const root = platform.root;
  const trucks = platform.registry
    .allDevices()
    .filter((d) => d.owner === ABUSER && d.kind === 'truck')
    .map((d) => d.id);
  const notices = await rejectionsOf(platform, ABUSER);
  const owner = await connect(platform.services.mqttUrl, `${ABUSER}`, ABUSER);
  const retainedTs = new Map<string, number[]>();
  const base = Date.now() - 7_200_000;
  const codes: number[] = [];
  for (let i = 0; i < o.retained; i++) {
    const truck = trucks[i % trucks.length];
    const ts = base + i * 1000;
    retainedTs.set(truck, [...(retainedTs.get(truck) ?? []), ts]);
    codes.push(
      await publishCode(
        owner,
        `${root}/truck/${ABUSER}/${truck}/telemetry`,
        JSON.stringify({ ts, lat: 22.7, lon: 114.3, speed: 20 }),
        true,
      ),
    );
  }
  const big = Buffer.alloc(600 * 1024, 0x20);
  for (let i = 0; i < o.tooLarge; i++)
    codes.push(await publishCode(owner, `${root}/truck/${ABUSER}/${trucks[0]}/telemetry`, big, true));
  await owner.endAsync();

  // Over the broker's packet limit: a client of its own, so that what it sees is plain.
  const huge = await connect(platform.services.mqttUrl, ABUSER, ABUSER);
  const seen: string[] = [];
  huge.on('disconnect', (packet) => seen.push(`DISCONNECT 0x${(packet.reasonCode ?? 0).toString(16)}`));
  huge.on('close', () => seen.push('connection closed'));
  const hugeResult = await Promise.race([
    huge
      .publishAsync(`${root}/truck/${ABUSER}/${trucks[0]}/telemetry`, Buffer.alloc(1.2 * 1024 * 1024, 0x20), {
        qos: 1,
      })
      .then(
        (p) => `PUBACK ${String((p as { reasonCode?: number } | undefined)?.reasonCode ?? 0)}`,
        (err: Error) => `publish failed: ${err.message}`,
      ),
    waitFor('the broker to answer the 1.2 MiB publish', () => seen.length > 0, 10_000, 20).then(
      () => 'no PUBACK',
    ),
  ]);
  huge.end(true);

  // The retained copies are gone: a new subscriber is sent none. Retained messages go out at subscribe
  // time, before any later message, so a marker published after subscribing bounds the wait.
  const observer = await connect(platform.services.internalMqttUrl, OBSERVER.username, OBSERVER.password);
  let retainedLeft = -1;
  await waitFor(
    'the broker to hold no retained telemetry of the abuser',
    async () => {
      let retained = 0;
      let marker = false;
      const onMessage = (_t: string, payload: Buffer, packet: IPublishPacket) => {
        if (packet.retain) retained++;
        if (payload.toString() === 'marker') marker = true;
      };
      observer.on('message', onMessage);
      const filter = `${root}/truck/${ABUSER}/+/telemetry`;
      await observer.subscribeAsync(filter, { qos: 1, rh: 0 });
      const me = await connect(platform.services.mqttUrl, ABUSER, ABUSER);
      await me.publishAsync(`${root}/truck/${ABUSER}/${trucks[1]}/telemetry`, 'marker', { qos: 1 });
      await me.endAsync();
      await waitFor('the marker', () => marker, 10_000, 10);
      observer.removeListener('message', onMessage);
      await observer.unsubscribeAsync(filter);
      retainedLeft = retained;
      return retained === 0;
    },
    30_000,
    500,
  );
  await observer.endAsync();

  return {
    retainedTs,
    summary: async () => {
      const tooLarge = () => notices.got.filter((r) => r.reason === 'too_large').length;
      await waitFor('a too_large notice for each oversized payload', () => tooLarge() >= o.tooLarge, 30_000);
      await notices.client.endAsync();
      const accepted = codes.filter((c) => c === 0 || c === 0x10).length;
      return (
        `${o.retained} retained readings and ${o.tooLarge} retained 600 KiB payloads as ${ABUSER}: ` +
        `${accepted}/${codes.length} PUBACK success, ${tooLarge()} ` +
        `too_large notices; retained copies left on the broker: ${retainedLeft}; a 1.2 MiB publish: ` +
        `${hugeResult}, ${seen.join(', ')}`
      );
    },
  };
}

/**
 * One device at a hundred times its rate: a truck that reports at 1 Hz sends 100 readings a second as
 * itself, for `seconds`. Returns the event times the broker acknowledged, to be found in InfluxDB.
 */
export async function fastDevice(
  platform: Platform,
  o: { seconds: number; rate: number },
): Promise<{ device: string; acked: number[]; refusedNotices: () => number; summary: () => string }> {
  const device = platform.registry.allDevices().find((d) => d.owner === ABUSER && d.kind === 'truck')!;
  const notices = await rejectionsOf(platform, ABUSER);
  const client = await connect(platform.services.mqttUrl, device.id, device.id);
  const topic = `${platform.root}/truck/${ABUSER}/${device.id}/telemetry`;
  const base = Date.now() - 10_800_000;
  const acked: number[] = [];
  const started = Date.now();
  let n = 0;
  const inflight: Array<Promise<void>> = [];
  while (n < o.seconds * o.rate) {
    const due = Math.min(o.seconds * o.rate, Math.floor(((Date.now() - started) / 1000) * o.rate));
    for (; n < due; n++) {
      const ts = base + n * 10;
      inflight.push(
        client
          .publishAsync(topic, JSON.stringify({ ts, lat: 22.7 + n * 1e-6, lon: 114.3, speed: 40 }), {
            qos: 1,
          })
          .then(() => void acked.push(ts)),
      );
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(inflight);
  await client.endAsync();
  const elapsed = (Date.now() - started) / 1000;
  return {
    device: device.id,
    acked,
    refusedNotices: () => notices.got.length,
    summary: () => {
      void notices.client.endAsync();
      return (
        `${device.id} (a 1 Hz truck) sent ${n} readings in ${elapsed.toFixed(1)} s as itself ` +
        `(${Math.round(n / elapsed)}/s): ${acked.length} acknowledged, ${notices.got.length} refused ` +
        `(within its ${o.rate}/s bucket, so none is expected)`
      );
    },
  };
}
