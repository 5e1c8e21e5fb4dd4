import { randomBytes } from 'node:crypto';
import { deviceTopic, FIELD_SPECS, type FieldValue } from '@lg/contracts';
import type { Device } from '@lg/registry';
import { DeviceClient, type PubAck } from './device-client';
import { simulateDevices, type Reading } from './devices';
import { OFFLINE, ONLINE } from './fleet';
import { loopCurrentMa } from './models/gas';
import { round } from './models/random';

/** Every field name of every kind: the `--FIELD VALUE` flags of `publish`. */
export const ALL_FIELDS: readonly string[] = [
  ...new Set(Object.values(FIELD_SPECS).flatMap((specs) => Object.keys(specs))),
];

/** Turns `--FIELD VALUE` texts into typed field values for the device's kind, naming the bad one. */
export function parseFieldOverrides(
  device: Device,
  texts: Record<string, string>,
): Record<string, FieldValue> {
  const specs = FIELD_SPECS[device.kind];
  const out: Record<string, FieldValue> = {};
  for (const [name, text] of Object.entries(texts)) {
    const spec = specs[name];
    if (!spec) {
      throw new Error(
        `--${name} is not a field of a ${device.kind} reading (fields: ${Object.keys(specs).join(', ')})`,
      );
    }
    switch (spec.type) {
      case 'number':
      case 'integer': {
        const value = Number(text);
        if (text.trim() === '' || !Number.isFinite(value))
          throw new Error(`--${name} must be a number, got "${text}"`);
        out[name] = value;
        break;
      }
      case 'boolean':
        if (text !== 'true' && text !== 'false')
          throw new Error(`--${name} must be true or false, got "${text}"`);
        out[name] = text === 'true';
        break;
      case 'string':
        out[name] = text;
        break;
    }
  }
  return out;
}

/** `--ts`: digits are epoch milliseconds, anything else goes as a string (ISO-8601 with a zone). */
export function parseTsFlag(text: string): number | string {
  return /^\d+$/.test(text.trim()) ? Number(text) : text;
}

export interface OneShotOptions {
  url: string;
  root: string;
  device: Device;
  /** Identity to connect as (default the device itself). */
  as?: string;
  password: string;
  /** Owner ID put in the topic (default the device's owner). */
  topicOwner?: string;
  /** The message: a simulated reading with overrides, a payload as given, or a status. */
  message:
    | { type: 'reading'; overrides: Record<string, FieldValue>; ts?: number | string; seed?: number }
    | { type: 'raw'; payload: string }
    | { type: 'status'; online: boolean };
  now?: number;
}

export interface OneShotResult {
  topic: string;
  username: string;
  payload: string;
  ack: PubAck;
}

/** The payload a one-shot publish sends: a simulated reading of the device with the given fields set. */
export function buildReading(
  device: Device,
  overrides: Record<string, FieldValue>,
  now: number,
  ts?: number | string,
  seed = 1,
): Omit<Reading, 'ts'> & { ts: number | string } {
  const reading: Record<string, FieldValue> = {
    ...simulateDevices([device], seed)[0].read(now),
    ...overrides,
  };
  if (device.kind === 'gas' && typeof overrides.lel === 'number' && overrides.ma === undefined) {
    reading.ma = round(loopCurrentMa(overrides.lel), 2);
  }
  return { ...reading, ts: ts ?? now };
}

/**
 * Connects as one identity (a client ID of its own, so a running fleet's connection for the same device is
 * not taken over), publishes one message at QoS 1 and disconnects. Resolves with the PUBACK whether the
 * broker accepted the message or refused it.
 */
export async function publishOnce(o: OneShotOptions): Promise<OneShotResult> {
  const d = o.device;
  const username = o.as ?? d.id;
  const channel = o.message.type === 'status' ? 'status' : 'telemetry';
  const topic = deviceTopic(o.root, { kind: d.kind, owner: o.topicOwner ?? d.owner, device: d.id, channel });
  const now = o.now ?? Date.now();
  let payload: string;
  switch (o.message.type) {
    case 'reading':
      payload = JSON.stringify(buildReading(d, o.message.overrides, now, o.message.ts, o.message.seed));
      break;
    case 'raw':
      payload = o.message.payload;
      break;
    case 'status':
      payload = o.message.online ? ONLINE : OFFLINE;
      break;
  }
  const client = await DeviceClient.connect({
    url: o.url,
    clientId: `${username}-cli-${randomBytes(4).toString('hex')}`,
    username,
    password: o.password,
    reconnectPeriodMs: 0,
  });
  try {
    const ack = await client.publish(topic, payload, { retain: o.message.type === 'status' });
    return { topic, username, payload, ack };
  } finally {
    await client.close();
  }
}
