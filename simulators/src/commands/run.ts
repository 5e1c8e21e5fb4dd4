import { parseArgs } from 'node:util';
import { passwordSource } from '../config';
import { simulateDevices } from '../devices';
import { DutyResponder, parseReliability } from '../duty-responder';
import { describePublish, Fleet, type FleetStats, type PublishEvent } from '../fleet';
import { GatewayLinks } from '../gateway-links';
import { startJt808Fleet } from '../jt808/fleet';
import { fleetRoutes } from '../models/routes';
import { loadAllScenarios, scenarioDevices, scenariosDir } from '../scenarios/catalog';
import { ScenarioError } from '../scenarios/schema';
import { exceptDevices, selectDevices } from '../select';
import { booleanOptions, stringOptions } from '@lg/config';
import { SIMULATOR_CONTROL_USERS } from '@lg/contracts';
import { FleetYield } from '../yield';
import { configFrom, durationFlag, FLEET_OPTIONS, jt808Address, loadRegistry, UsageError } from './common';

function summary(s: FleetStats): string {
  const extra = [
    s.refused && `${s.refused} refused`,
    s.failed && `${s.failed} failed`,
    s.skipped && `${s.skipped} skipped`,
  ]
    .filter(Boolean)
    .join(', ');
  return `${s.connected}/${s.devices} connected, ${s.published} readings published, ${s.accepted} accepted${extra ? ', ' + extra : ''}`;
}

/** Devices the scenario files drive; none when the files are not there (e.g. a runtime image). */
function reservedForScenarios(): Set<string> {
  let dir: string;
  try {
    dir = scenariosDir();
  } catch (err) {
    if (err instanceof ScenarioError) return new Set();
    throw err;
  }
  return scenarioDevices(loadAllScenarios(dir));
}

/** Runs the fleet until Ctrl-C (SIGINT/SIGTERM) or `--duration`, then stops it cleanly. */
export async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...FLEET_OPTIONS,
      ...stringOptions('speedup', 'duration', 'stats-every', 'duty-reliability', 'except'),
      ...booleanOptions('with-scenario-devices', 'no-duty', 'no-gateways'),
    },
    strict: true,
  });
  const config = configFrom(values);
  const durationMs = durationFlag('duration', values.duration, 0);
  const statsEveryMs = durationFlag('stats-every', values['stats-every'], 60_000);
  const registry = loadRegistry(config);
  let devices = selectDevices(registry, values.devices);
  // A company testing its own platform against the demo: its trucks (and duty checks) are left to it.
  try {
    devices = exceptDevices(registry, devices, values.except);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  // The devices scenarios drive stay out of the demo fleet (unless named), so that a scenario can run
  // against `npm start`: the fleet's live readings would make the scenario's own timeline late.
  let reserved = 0;
  if (!values.devices && !values['with-scenario-devices']) {
    const drill = reservedForScenarios();
    reserved = devices.filter((d) => drill.has(d.id)).length;
    devices = devices.filter((d) => !drill.has(d.id));
  }
  if (devices.length === 0) throw new UsageError('no device selected');
  // With --protocol jt808 the trucks report as JT/T 808 terminals; the rest stay on MQTT.
  const overJt808 = config.SIM_PROTOCOL === 'jt808' ? devices.filter((d) => d.kind === 'truck') : [];
  devices = devices.filter((d) => !overJt808.includes(d));
  const passwordOf = passwordSource(config);
  // Surface a missing secret before connecting anyone.
  for (const d of devices) passwordOf(d.id);
  const simulated = simulateDevices(
    [...devices, ...overJt808],
    config.SIM_SEED,
    fleetRoutes(registry.corridors()),
  );
  // Each refusal is worth one line per device and reason, not one per reading.
  const reported = new Set<string>();
  const onPublish = (e: PublishEvent): void => {
    if (e.ok && ('ack' in e ? e.ack.accepted : e.result === 0)) return;
    const key = `${e.device}:${e.ok ? ('ack' in e ? e.ack.reasonCode : `0x8001 ${e.result}`) : e.error.message}`;
    if (reported.has(key)) return;
    reported.add(key);
    console.error(`simulator: ${describePublish(e)}`);
  };
  const { host, port } = jt808Address(config.SIM_JT808_URL);
  const terminals =
    overJt808.length > 0
      ? await startJt808Fleet({
          host,
          port,
          trucks: simulated.filter((s) => overJt808.includes(s.device)),
          speedup: config.SIM_SPEEDUP,
          seed: config.SIM_SEED,
          onPublish,
          onTrouble: (device, what) => console.error(`simulator: ${device} (JT/T 808): ${what}`),
        })
      : undefined;
  if (terminals) {
    console.log(
      `simulator: ${overJt808.length} trucks reporting as JT/T 808 terminals to ${config.SIM_JT808_URL}`,
    );
  }

  let fleet: Fleet;
  try {
    fleet = await Fleet.start({
      url: config.MQTT_URL,
      root: config.MQTT_TOPIC_ROOT,
      devices: simulated.filter((s) => devices.includes(s.device)),
      passwordOf,
      speedup: config.SIM_SPEEDUP,
      seed: config.SIM_SEED,
      onPublish,
      onTrouble: (device, what) => console.error(`simulator: ${device}: ${what}`),
      onConnected: (n, total) => {
        if (n % 100 === 0 && n < total) console.log(`simulator: ${n}/${total} devices connected…`);
      },
    });
  } catch (err) {
    await terminals?.stop();
    throw err;
  }
  // Driving the scenarios' devices too (the demo): hand them over to a scenario run while it drives them.
  let yielding: FleetYield | undefined;
  if (values['with-scenario-devices']) {
    try {
      yielding = await FleetYield.start(terminals ? [fleet, terminals] : [fleet], {
        url: config.MQTT_URL,
        root: config.MQTT_TOPIC_ROOT,
        passwordOf,
        log: (line) => console.log(`simulator: ${line}`),
      });
      console.log(
        `simulator: handing devices over to scenario runs (listening as ${SIMULATOR_CONTROL_USERS.fleet})`,
      );
    } catch (err) {
      console.error(
        `simulator: cannot listen for scenario runs (${(err as Error).message}): a scenario run ` +
          `against this fleet finds its devices busy`,
      );
    }
  }
  // The people on duty at the companies whose trucks the fleet drives answer the platform's duty checks.
  let reliability: (company: string, seed: number) => number;
  try {
    reliability = parseReliability(values['duty-reliability']);
  } catch (err) {
    await Promise.all([yielding?.stop(), fleet.stop(), terminals?.stop()]);
    throw new UsageError((err as Error).message);
  }
  const dutyCompanies = values['no-duty']
    ? []
    : [...new Set([...devices, ...overJt808].filter((d) => d.kind === 'truck').map((d) => d.owner))].sort();
  const duty =
    dutyCompanies.length > 0
      ? await DutyResponder.start({
          url: config.MQTT_URL,
          root: config.MQTT_TOPIC_ROOT,
          companies: dutyCompanies,
          passwordOf,
          reliability: (company) => reliability(company, config.SIM_SEED),
          seed: config.SIM_SEED,
          onAnswer: (company, q, b) =>
            console.log(
              `simulator: duty check ${q.id} of ${company}: ${b.answer === 'never' ? 'left unanswered' : `answered ${b.answer === 'late' ? 'late, ' : ''}in ${Math.round(b.afterMs / 1000)} s`}`,
            ),
        })
      : undefined;
  if (duty)
    console.log(
      `simulator: answering duty checks for ${dutyCompanies.length} companies (reliability ${dutyCompanies
        .map((c) => `${c} ${reliability(c, config.SIM_SEED)}`)
        .join(', ')})`,
    );
  // The site and network gateways that carry the fleet's fixed devices say they are up (inhibition,
  // docs/rules.md): only those carrying a fleet device, so that a scenario's own site stays its own.
  const fleetGateways = new Map<string, string>();
  for (const d of devices) {
    const g = d.kind === 'truck' ? undefined : registry.gatewayOf(d.id);
    if (g !== undefined) fleetGateways.set(g, d.owner);
  }
  const gatewayLinks =
    fleetGateways.size > 0 && !values['no-gateways']
      ? await GatewayLinks.start({
          url: config.MQTT_URL,
          root: config.MQTT_TOPIC_ROOT,
          gateways: [...fleetGateways].map(([id, owner]) => ({ id, owner })),
          passwordOf,
        })
      : undefined;
  if (gatewayLinks) console.log(`simulator: ${fleetGateways.size} site and network gateways online`);
  const kinds = ['truck', 'slope', 'gas']
    .map((k) => `${devices.filter((d) => d.kind === k).length} ${k}`)
    .join(', ');
  console.log(
    `simulator: ${devices.length} devices (${kinds}) publishing to ${config.MQTT_URL} under ${config.MQTT_TOPIC_ROOT}` +
      (reserved > 0 ? ` (${reserved} left to the scenarios)` : '') +
      (config.SIM_SPEEDUP !== 1 ? `, intervals divided by ${config.SIM_SPEEDUP}` : '') +
      (durationMs ? `, for ${values.duration}` : ', Ctrl-C to stop'),
  );

  const summaries = (): string =>
    summary(fleet.stats()) + (terminals ? `; JT/T 808: ${summary(terminals.stats())}` : '');
  return new Promise<number>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    if (statsEveryMs > 0)
      timers.push(setInterval(() => console.log(`simulator: ${summaries()}`), statsEveryMs));
    let stoppingSince = 0;
    const stop = (why: string): void => {
      if (stoppingSince) {
        // npm and the terminal may both deliver one Ctrl-C: only a second press a moment later forces.
        if (Date.now() - stoppingSince < 1000) return;
        console.error('simulator: stopping already; exiting without waiting');
        process.exit(130);
      }
      stoppingSince = Date.now();
      for (const t of timers) clearTimeout(t);
      console.log(`simulator: ${why}, stopping (devices publish {"online": false} and disconnect)`);
      // Listening stops first: no device is taken back while the fleet stops.
      Promise.resolve(yielding?.stop())
        .then(() => Promise.all([fleet.stop(), terminals?.stop(), duty?.stop(), gatewayLinks?.stop()]))
        .then(
          () => {
            console.log(`simulator: stopped: ${summaries()}`);
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            resolve(0);
          },
          (err: Error) => {
            console.error(`simulator: stop failed: ${err.message}`);
            resolve(1);
          },
        );
    };
    const onSignal = (signal: NodeJS.Signals): void => stop(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (durationMs > 0) timers.push(setTimeout(() => stop(`ran for ${values.duration}`), durationMs));
  });
}
