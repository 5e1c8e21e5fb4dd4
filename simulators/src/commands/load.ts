import { createWriteStream, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { booleanOptions, stringOptions } from '@lg/config';
import { DEVICE_KINDS, isDeviceKind } from '@lg/contracts';
import type { Device } from '@lg/registry';
import { passwordSource } from '../config';
import { syntheticDevices } from '../district/generate';
import { runLoad, type LoadProgress } from '../load/load';
import { fleetRoutes } from '../models/routes';
import { configFrom, durationFlag, FLEET_OPTIONS, jt808Address, loadRegistry, UsageError } from './common';

function positiveNumber(name: string, text: string | undefined, fallback: number, integer = false): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got "${text}"`);
  }
  return value;
}

function progressLine(p: LoadProgress, target: number): string {
  const secs = (p.elapsedMs / 1000).toFixed(1).padStart(6);
  return (
    `${secs} s  sent ${String(p.sent).padStart(9)}  acked ${String(p.acked).padStart(9)}  ` +
    `in flight ${String(p.inFlight).padStart(5)}  queued ${String(p.queued).padStart(6)}  ` +
    `${Math.round(p.rate).toString().padStart(7)}/s (target ${target}/s)`
  );
}

/**
 * `load --devices N --rate R [--duration 30s] [--qos 1]`: N devices (from the registry, cycling past its
 * end; `--synthetic` for generated IDs) publishing R readings per second in total over one connection per
 * owner, with a live progress line on a terminal and a JSON summary at the end (stdout or --out).
 */
export async function loadCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...FLEET_OPTIONS,
      ...stringOptions('rate', 'duration', 'qos', 'kinds', 'window', 'batch', 'out', 'acked'),
      ...booleanOptions('synthetic'),
      // No default: left out, the live line follows whether stderr is a terminal.
      progress: { type: 'boolean' },
    },
    strict: true,
  });
  const config = configFrom(values);
  const registry = loadRegistry(config);
  const count = positiveNumber('devices', values.devices, 50, true);
  const rate = positiveNumber('rate', values.rate, 1000);
  const durationMs = durationFlag('duration', values.duration, 30_000);
  const qos = values.qos === undefined ? 1 : Number(values.qos);
  if (qos !== 0 && qos !== 1) throw new UsageError(`--qos must be 0 or 1, got "${values.qos}"`);
  const overJt808 = config.SIM_PROTOCOL === 'jt808';
  // Over JT/T 808 only trucks: terminals are what speak it.
  const kinds = (values.kinds ?? (overJt808 ? 'truck' : DEVICE_KINDS.join(',')))
    .split(',')
    .map((k) => k.trim());
  if (overJt808 && kinds.some((k) => k !== 'truck'))
    throw new UsageError('--protocol jt808 drives trucks only (--kinds truck)');
  const badKind = kinds.find((k) => !isDeviceKind(k));
  if (badKind) throw new UsageError(`--kinds: unknown kind "${badKind}" (kinds: ${DEVICE_KINDS.join(', ')})`);

  let devices: Device[];
  if (values.synthetic) {
    devices = syntheticDevices(count, registry.data).filter((d) => kinds.includes(d.kind));
    const unknown = devices.filter((d) => !registry.device(d.id)).length;
    if (unknown > 0) {
      console.error(
        `load: ${unknown} of ${devices.length} synthetic devices are not in ${config.REGISTRY_FILE}: ingest will refuse ` +
          `their readings (unknown_device). Generate a registry that has them: ` +
          `node dist/scripts/registry/generate-longgang.js --synthetic ${count} --out FILE, and start the platform with it.`,
      );
    }
  } else {
    devices = registry.allDevices().filter((d) => kinds.includes(d.kind));
  }
  if (devices.length === 0) throw new UsageError('no device of those kinds in the registry');
  const distinct = Math.min(count, devices.length);
  if (overJt808 && rate / distinct > 1) {
    console.error(
      `load: ${(rate / distinct).toFixed(1)} reports/s per terminal: JT/T 808 times are whole seconds, so each ` +
        `terminal's timeline starts in the past far enough to stay behind the clock (late for the rules)`,
    );
  } else if (!overJt808 && rate / distinct > 500) {
    console.error(
      `load: ${Math.round(rate / distinct)} readings/s per device: event times (1 ms apart at least) will run ahead ` +
        `of the clock and be stored as unqualified (future_ts); use more devices (--synthetic with a generated registry)`,
    );
  }
  const passwordOf = passwordSource(config);
  const showProgress = values.progress ?? process.stderr.isTTY === true;
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    console.error('\nload: stopping (draining what is in flight; Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (showProgress) {
    console.error(
      overJt808
        ? `load: ${count} JT/T 808 terminals, ${rate} reports/s, for ${values.duration ?? '30s'} → ${config.SIM_JT808_URL}`
        : `load: ${count} devices, ${rate} readings/s, QoS ${qos}, for ${values.duration ?? '30s'} → ${config.MQTT_URL} (${config.MQTT_TOPIC_ROOT})`,
    );
  }
  let result;
  try {
    result = await runLoad({
      url: config.MQTT_URL,
      root: config.MQTT_TOPIC_ROOT,
      devices: devices.slice(0, count),
      streams: count,
      rate,
      durationMs,
      qos,
      passwordOf,
      window: positiveNumber('window', values.window, 64, true),
      batch: positiveNumber('batch', values.batch, 1, true),
      seed: config.SIM_SEED,
      ...(overJt808 ? { jt808: jt808Address(config.SIM_JT808_URL) } : {}),
      routes: fleetRoutes(registry.corridors()),
      record: values.acked !== undefined,
      signal: abort.signal,
      onProgress: showProgress
        ? (p) => process.stderr.write(`\r${progressLine(p, rate)}\u001b[K`)
        : undefined,
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (showProgress) process.stderr.write('\n');
  }
  const { summary, acked } = result;
  const json = JSON.stringify(summary, null, 2);
  if (values.out) writeFileSync(values.out, json + '\n');
  else console.log(json);
  if (values.acked) {
    // One line per device: {"device": "T001", "ts": [...]}, the acknowledged event times.
    const out = createWriteStream(values.acked);
    for (const [device, ts] of acked) {
      if (!out.write(JSON.stringify({ device, ts }) + '\n')) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  }
  const lost = summary.failed + summary.unacknowledged + summary.refused;
  if (showProgress || values.out) {
    console.error(
      `load: ${summary.acked}/${summary.sent} acknowledged at ${summary.achievedRate}/s` +
        (lost > 0 ? `, ${lost} not acknowledged` : '') +
        (summary.noSubscribers > 0
          ? `, ${summary.noSubscribers} with no subscriber (is ingest running?)`
          : '') +
        (summary.behind > 0 ? `, ${summary.behind} behind (target not reached)` : '') +
        (values.out ? ` — summary in ${values.out}` : ''),
    );
  }
  return lost === 0 ? 0 : 1;
}
