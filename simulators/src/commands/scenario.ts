import { parseArgs } from 'node:util';
import { booleanOptions, stringOptions } from '@lg/config';
import { operatorPassword, passwordSource } from '../config';
import { GatewayClient } from '../gateway-client';
import { loadAllScenarios, loadScenario, scenarioNames, scenariosDir } from '../scenarios/catalog';
import { dryRunScenario } from '../scenarios/dry-run';
import { formatReport, runScenario, type ScenarioReport } from '../scenarios/runner';
import { describeAlert } from '../scenarios/verdict';
import type { Scenario } from '../scenarios/schema';
import { RedisTestClock, type TestClock } from '../test-clock';
import { configFrom, FLEET_OPTIONS, jt808Address, loadRegistry, UsageError } from './common';

/** `--use alias=ID` pairs. */
function parseUse(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs) {
    const m = /^([^=]+)=([A-Za-z0-9_-]{1,64})$/.exec(pair);
    if (!m) throw new UsageError(`--use takes alias=DEVICE_ID, got "${pair}"`);
    out[m[1]] = m[2];
  }
  return out;
}

function listing(scenarios: readonly Scenario[]): string {
  const rows = scenarios.map((s) => [
    s.name,
    s.rules.join(',') || '(input checks)',
    [
      ...Object.values(s.devices),
      ...Object.values(s.groups).map((g) => `${g.count}×${g.kind} of ${g.owner}`),
    ].join(','),
    (s.steps.some((x) => x.type === 'clock') ? '[test clock] ' : '') + s.title,
  ]);
  const header = ['scenario', 'rules', 'devices', 'what'];
  const widths = header.slice(0, 3).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]) : c)).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * `scenario --list`, `scenario NAME… | --all`: runs scenarios against a running platform and prints a
 * pass/fail report per scenario (exit 0 only if all passed); `--dry-run` checks them against this
 * checkout's rule pack in memory instead.
 */
export async function scenarioCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...FLEET_OPTIONS,
      ...booleanOptions('list', 'all', 'dry-run', 'json'),
      quiet: { type: 'boolean', short: 'q', default: false },
      use: { type: 'string', multiple: true, default: [] },
      ...stringOptions(
        'scenarios',
        'gateway',
        'user',
        'password',
        'redis',
        'redis-prefix',
        'clock-settle-ms',
      ),
    },
    strict: true,
  });
  const dir = scenariosDir(values.scenarios);
  if (values.list) {
    console.log(listing(loadAllScenarios(dir)));
    return 0;
  }
  const names = values.all ? scenarioNames(dir) : positionals;
  if (names.length === 0) throw new UsageError('name a scenario, or --all, or --list');
  const use = parseUse(values.use);
  if (Object.keys(use).length > 0 && names.length > 1)
    throw new UsageError('--use applies to one scenario at a time');
  const scenarios = names.map((n) => loadScenario(dir, n));
  const config = configFrom(values);
  const registry = loadRegistry(config);

  if (values['dry-run']) {
    let failed = 0;
    for (const s of scenarios) {
      const result = dryRunScenario(s, registry);
      if (result.failures.length > 0) failed++;
      console.log(`${result.failures.length === 0 ? 'PASS' : 'FAIL'}  ${s.name} — ${s.title}  (dry run)`);
      for (const a of result.alerts) console.log(`      alert     ${describeAlert(a)}`);
      for (const r of result.rejections) console.log(`      rejected  ${r.reason} ${r.device}`);
      for (const f of result.failures) console.log(`   ✗  ${f}`);
    }
    return failed === 0 ? 0 : 1;
  }

  const passwordOf = passwordSource(config);
  const gateway = await GatewayClient.login(
    config.SIM_GATEWAY_URL,
    config.SIM_OPERATOR_USER,
    operatorPassword(config),
  );
  const clock: TestClock | undefined = config.SIM_REDIS_URL
    ? new RedisTestClock(config.SIM_REDIS_URL, config.SIM_REDIS_PREFIX, config.SIM_CLOCK_SETTLE_MS)
    : undefined;
  const reports: ScenarioReport[] = [];
  try {
    for (const s of scenarios) {
      // With --json the report is the output: progress goes to stderr.
      const progress = values.quiet
        ? undefined
        : (line: string) => (values.json ? console.error(line) : console.log(line));
      progress?.(`▶ ${s.name}: ${s.title}`);
      const report = await runScenario(s, {
        registry,
        mqttUrl: config.MQTT_URL,
        root: config.MQTT_TOPIC_ROOT,
        gateway,
        passwordOf,
        use,
        seed: config.SIM_SEED,
        log: progress,
        clock,
        ...(config.SIM_PROTOCOL === 'jt808' ? { jt808: jt808Address(config.SIM_JT808_URL) } : {}),
      });
      reports.push(report);
      if (!values.json) console.log(formatReport(report) + '\n');
    }
  } finally {
    await clock?.close();
  }
  const failed = reports.filter((r) => !r.passed);
  if (values.json) console.log(JSON.stringify(reports, null, 2));
  else if (reports.length > 1) {
    console.log(
      `${reports.length - failed.length} of ${reports.length} scenarios passed${failed.length ? `; failed: ${failed.map((r) => r.name).join(', ')}` : ''}`,
    );
  }
  return failed.length === 0 ? 0 : 1;
}
