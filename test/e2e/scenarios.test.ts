import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEscalationDelays } from '@lg/evaluation';
import { Registry } from '@lg/registry';
import { GatewayClient } from '../../simulators/src/gateway-client';
import {
  loadAllScenarios,
  loadScenario,
  scenarioNames,
  scenariosDir,
} from '../../simulators/src/scenarios/catalog';
import { withFloodFleets } from '../../simulators/src/scenarios/flood-registry';
import { formatReport, runScenario } from '../../simulators/src/scenarios/runner';
import { RedisTestClock } from '../../simulators/src/test-clock';
import { usePlatformStand } from './helpers';

/**
 * Every scenario file, end to end: the built apps as processes on real Mosquitto, Redis and InfluxDB, each
 * scenario driven over MQTT by the simulator's runner and checked on `/live` (alerts), the owners'
 * `_rejected` topics (rejections), the broker's PUBACKs and the REST API (stored readings). A scenario
 * passes only if the platform produced exactly the alerts and rejections it states. Scenarios use devices
 * of their own, so they share one platform; the worker's test clock is on for the silence-driven ones.
 *
 * Escalation runs on delays of seconds here, so that every alert nobody acknowledged is seen climbing its
 * whole chain on `/live` (step by step, none early, none after an acknowledgement). Not in scenarios that
 * move the test clock: an alert opened while the clock was ahead is due minutes after it is put back
 * (their escalation is proven with the clock in rule-engine.test.ts).
 *
 * The flood scenarios (`fleet-silent`, `red-gas-in-flood`) silence fifty trucks of one company; the
 * committed fixture's companies have 8–18, so the platform runs on the fixture with those companies grown
 * (`withFloodFleets`; nothing else differs).
 */
const TIMER_INTERVAL_MS = 100;
const ESCALATION_DELAYS = 'red=1s,orange=1500ms,yellow=2s,blue=never';

describe('scenarios, end to end', () => {
  const dir = scenariosDir();
  let gateway: GatewayClient;
  let clock: RedisTestClock;
  let registryDir: string;

  const stand = usePlatformStand(
    () => {
      registryDir = mkdtempSync(join(tmpdir(), 'lg-scenarios-'));
      const registryFile = join(registryDir, 'registry.json');
      const fixture = Registry.load('config/registry/longgang.json');
      writeFileSync(registryFile, JSON.stringify(withFloodFleets(fixture.data, loadAllScenarios(dir))));
      return {
        registryFile,
        env: {
          LG_TEST_CLOCK: 'true',
          TIMER_INTERVAL_MS: String(TIMER_INTERVAL_MS),
          ESCALATION_DELAYS,
        },
      };
    },
    async (s) => {
      gateway = await GatewayClient.login(s.gateway, 'operator', 'operator');
      clock = new RedisTestClock(s.platform.services.redisUrl, s.platform.prefix, 3 * TIMER_INTERVAL_MS);
      s.onStop(() => clock.close());
    },
  );

  afterAll(() => {
    if (registryDir) rmSync(registryDir, { recursive: true, force: true });
  });

  it.each(scenarioNames(dir))('%s', async (name) => {
    const { platform } = stand;
    const scenario = loadScenario(dir, name);
    const report = await runScenario(scenario, {
      registry: platform.registry,
      mqttUrl: platform.services.mqttUrl,
      root: platform.root,
      gateway,
      passwordOf: (u) => u,
      clock,
      escalation: scenario.steps.some((s) => s.type === 'clock')
        ? undefined
        : parseEscalationDelays(ESCALATION_DELAYS),
    });
    // The whole report on failure: what was seen, what differs, and rules the platform lacks.
    if (!report.passed) throw new Error(formatReport(report));
    expect(report.failures).toEqual([]);
  });
});
