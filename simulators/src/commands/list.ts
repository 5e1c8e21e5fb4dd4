import { parseArgs } from 'node:util';
import { selectDevices } from '../select';
import { telemetryTopic } from '../fleet';
import { COMMON_OPTIONS, configFrom, loadRegistry } from './common';

export function listCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: COMMON_OPTIONS, strict: true });
  const config = configFrom(values);
  const registry = loadRegistry(config);
  const devices = selectDevices(registry, values.devices);
  const rows = devices.map((d) => [
    d.id,
    d.kind,
    d.owner,
    `${d.intervalSec}s`,
    telemetryTopic(config.MQTT_TOPIC_ROOT, d),
  ]);
  const header = ['device', 'kind', 'owner', 'every', 'telemetry topic'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`${devices.length} device(s); status on .../status, retained {"online": true|false}`);
  return 0;
}
