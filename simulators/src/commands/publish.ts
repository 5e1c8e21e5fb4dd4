import { parseArgs } from 'node:util';
import { stringOptions } from '@lg/config';
import { formatPubAck } from '../device-client';
import { passwordSource } from '../config';
import { ALL_FIELDS, parseFieldOverrides, parseTsFlag, publishOnce, type OneShotOptions } from '../one-shot';
import { COMMON_OPTIONS, configFrom, loadRegistry, UsageError } from './common';

const FIELD_OPTIONS = stringOptions(...ALL_FIELDS);

export async function publishCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...COMMON_OPTIONS,
      ...FIELD_OPTIONS,
      ...stringOptions('device', 'as', 'owner', 'ts', 'json', 'status', 'seed'),
    },
    strict: true,
  });
  const flags = values as Record<string, string | boolean | undefined>;
  const config = configFrom(values);
  const registry = loadRegistry(config);
  if (!values.device) throw new UsageError('publish needs --device ID ("list" shows the devices)');
  const device = registry.device(values.device);
  if (!device) throw new UsageError(`unknown device ${values.device} ("list" shows the devices)`);
  const fieldTexts = Object.fromEntries(
    ALL_FIELDS.flatMap((f) => (typeof flags[f] === 'string' ? [[f, flags[f]]] : [])),
  ) as Record<string, string>;
  const kinds = [
    values.json !== undefined,
    values.status !== undefined,
    Object.keys(fieldTexts).length > 0 || values.ts !== undefined,
  ];
  if (kinds.filter(Boolean).length > 1) {
    throw new UsageError('use one of --json, --status, or field flags (with --ts)');
  }
  let message: OneShotOptions['message'];
  if (values.json !== undefined) {
    message = { type: 'raw', payload: values.json };
  } else if (values.status !== undefined) {
    if (values.status !== 'online' && values.status !== 'offline') {
      throw new UsageError(`--status must be online or offline, got "${values.status}"`);
    }
    message = { type: 'status', online: values.status === 'online' };
  } else {
    let overrides;
    try {
      overrides = parseFieldOverrides(device, fieldTexts);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    message = {
      type: 'reading',
      overrides,
      ts: values.ts !== undefined ? parseTsFlag(values.ts) : undefined,
      seed: config.SIM_SEED,
    };
  }
  const username = values.as ?? device.id;
  const result = await publishOnce({
    url: config.MQTT_URL,
    root: config.MQTT_TOPIC_ROOT,
    device,
    as: values.as,
    password: passwordSource(config)(username),
    topicOwner: values.owner,
    message,
  });
  console.log(`published as ${result.username} to ${result.topic}: ${result.payload}`);
  const verdict = result.ack.accepted
    ? 'accepted'
    : result.ack.reasonCode === 0x87
      ? 'REFUSED by the broker: this identity may not publish on this topic (ACL)'
      : 'REFUSED by the broker';
  console.log(`PUBACK ${formatPubAck(result.ack)} (${verdict})`);
  return result.ack.accepted ? 0 : 1;
}
