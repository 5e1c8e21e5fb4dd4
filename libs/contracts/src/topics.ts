/**
 * MQTT topic layout of contract v1: `{root}/{kind}/{ownerId}/{deviceId}/{channel}`.
 * The root is configurable (`MQTT_TOPIC_ROOT`, default `lg/v1`).
 */
export const DEVICE_KINDS = ['truck', 'slope', 'gas'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const CHANNELS = ['telemetry', 'status'] as const;
export type Channel = (typeof CHANNELS)[number];

export const DEFAULT_TOPIC_ROOT = 'lg/v1';

/** Device and owner IDs: `[A-Za-z0-9_-]{1,64}`. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface DeviceTopic {
  kind: DeviceKind;
  owner: string;
  device: string;
  channel: Channel;
}

export type TopicParseResult = { ok: true; topic: DeviceTopic } | { ok: false; message: string };

export function isDeviceKind(value: string): value is DeviceKind {
  return (DEVICE_KINDS as readonly string[]).includes(value);
}

function isChannel(value: string): value is Channel {
  return (CHANNELS as readonly string[]).includes(value);
}

/**
 * The longest topic of the contract under `root`: `{root}/{kind}/{ownerId}/{deviceId}/{channel}` with the
 * longest kind, two 64-character IDs and the longest channel. Anything longer is refused before it is split,
 * kept or logged: MQTT allows 65,535 bytes, and a topic is the one part of a message an ACL with a `+`
 * level does not bound.
 */
export function maxDeviceTopicLength(root: string): number {
  return root.length + LEVELS_AFTER_ROOT;
}

/** `/{kind}/{ownerId}/{deviceId}/{channel}` at its longest (computed once: the check runs per message). */
const LEVELS_AFTER_ROOT =
  1 +
  Math.max(...DEVICE_KINDS.map((k) => k.length)) +
  1 +
  64 +
  1 +
  64 +
  1 +
  Math.max(...CHANNELS.map((c) => c.length));

/**
 * Splits a device topic; anything that is not exactly the contract's shape is refused with a reason.
 * Its length is checked first, so a topic of any size costs one comparison before it is refused.
 */
export function parseDeviceTopic(root: string, topic: string): TopicParseResult {
  const max = maxDeviceTopicLength(root);
  if (topic.length > max) return { ok: false, message: `topic is longer than ${max} characters` };
  if (!topic.startsWith(root + '/')) return { ok: false, message: `topic is not under ${root}/` };
  const parts = topic.slice(root.length + 1).split('/');
  if (parts.length !== 4) {
    return { ok: false, message: 'topic must be {root}/{kind}/{ownerId}/{deviceId}/{channel}' };
  }
  const [kind, owner, device, channel] = parts as [string, string, string, string];
  if (!isDeviceKind(kind)) return { ok: false, message: `unknown kind "${kind}"` };
  if (!ID_PATTERN.test(owner)) return { ok: false, message: 'ownerId must match [A-Za-z0-9_-]{1,64}' };
  if (!ID_PATTERN.test(device)) return { ok: false, message: 'deviceId must match [A-Za-z0-9_-]{1,64}' };
  if (!isChannel(channel)) return { ok: false, message: `unknown channel "${channel}"` };
  return { ok: true, topic: { kind, owner, device, channel } };
}

export function deviceTopic(root: string, t: DeviceTopic): string {
  return `${root}/${t.kind}/${t.owner}/${t.device}/${t.channel}`;
}

/**
 * At most `max` characters of an untrusted string, for a log line or a notice: longer ones are cut and say
 * how long they were. Allocates only when it cuts.
 */
export function truncated(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} characters)`;
}

/** Where a refused message is republished, with its reason. */
export function rejectedTopic(root: string, kind: string, owner: string, device: string): string {
  return `${root}/_rejected/${kind}/${owner}/${device}`;
}

/** The filter every ingest connection subscribes to, shared so that ingest processes split the load. */
export function ingestSubscription(root: string, group: string): string {
  return `$share/${group}/${root}/+/+/+/+`;
}

/**
 * Exclusive subscriptions split by owner: connection `c` of ingest instance `i` (of `instances`, each with
 * `connections`) subscribes to the topics of the owners that hash to slot `i × connections + c`. Unlike a
 * shared subscription, an ordinary persistent subscription survives a broker restart (Mosquitto 2.0 does
 * not restore shared ones), and the broker's ACL lets nobody publish under an owner the registry does not
 * know, so these filters see every message a device can send.
 */
export function ownerSubscriptions(
  root: string,
  owners: readonly string[],
  instances: number,
  instance: number,
  connections: number,
): string[][] {
  const slots = instances * connections;
  const out: string[][] = Array.from({ length: connections }, () => []);
  for (const owner of owners) {
    const slot = ownerSlot(owner, slots);
    if (Math.floor(slot / connections) === instance) out[slot % connections].push(`${root}/+/${owner}/+/+`);
  }
  return out;
}

function ownerSlot(owner: string, slots: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < owner.length; i++) {
    h ^= owner.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % slots;
}
