import { parseEscalationDelays } from '@lg/evaluation';
import { GatewayClient } from '../../simulators/src/gateway-client';
import { runLoad } from '../../simulators/src/load/load';
import { loadScenario, scenariosDir } from '../../simulators/src/scenarios/catalog';
import { formatReport, runScenario, type ScenarioReport } from '../../simulators/src/scenarios/runner';
import type { AlertSummary } from '../../simulators/src/scenarios/verdict';
import { expectStoredAsAcked, usePlatformStand } from './helpers';

/**
 * The simulator's scenarios and load mode over JT/T 808 (`--protocol jt808`): the built apps as processes,
 * each truck a simulated terminal on its own TCP connection to the JT/T 808 gateway, its readings 0x0200
 * reports (the emergency button as alarm bit 0). A scenario run over JT/T 808 must produce the alerts its
 * file states, and the very same alerts as the same scenario run over MQTT on another truck; load mode
 * over JT/T 808 must see InfluxDB hold exactly the reports the gateway answered with 0x8001 success.
 */
const ESCALATION_DELAYS = 'red=1s,orange=1500ms,yellow=2s,blue=never';

/** What an alert did, whatever the truck: the rule, its severities in order, cleared, acknowledged. */
const shape = (alerts: AlertSummary[]): unknown[] =>
  alerts.map((a) => ({
    rule: a.rule,
    severities: a.severities,
    active: a.active,
    acknowledged: a.acknowledged,
  }));

describe('scenarios and load mode over JT/T 808, end to end', () => {
  let gateway: GatewayClient;
  const stand = usePlatformStand(
    { apps: ['ingest', 'worker', 'gateway', 'jt808'], env: { TIMER_INTERVAL_MS: '100', ESCALATION_DELAYS } },
    async (s) => {
      gateway = await GatewayClient.login(s.gateway, 'operator', 'operator');
    },
  );

  async function run(name: string, jt808: boolean, use: Record<string, string>): Promise<ScenarioReport> {
    const { platform } = stand;
    const report = await runScenario(loadScenario(scenariosDir(), name), {
      registry: platform.registry,
      mqttUrl: platform.services.mqttUrl,
      root: platform.root,
      gateway,
      passwordOf: (u) => u,
      use,
      escalation: parseEscalationDelays(ESCALATION_DELAYS),
      ...(jt808 ? { jt808: { host: '127.0.0.1', port: platform.jt808Port() } } : {}),
    });
    if (!report.passed) throw new Error(formatReport(report));
    return report;
  }

  it.each([
    ['sos', 'T088', 'T089'],
    ['overspeed', 'T012', 'T014'],
  ])('%s over JT/T 808 raises the same alerts as over MQTT', async (name, overJt808, overMqtt) => {
    const terminal = await run(name, true, { truck: overJt808 });
    const mqtt = await run(name, false, { truck: overMqtt });
    expect(terminal.failures).toEqual([]);
    expect(terminal.alerts.length).toBeGreaterThan(0);
    expect(terminal.alerts.every((a) => a.device === overJt808)).toBe(true);
    expect(shape(terminal.alerts)).toEqual(shape(mqtt.alerts));
    // Every reading went as a report of its own, each answered 0x8001 success.
    expect(terminal.published.messages).toBe(terminal.published.readings);
    expect(terminal.published.refused).toBe(0);
    const metrics = await (await fetch(`${stand.platform.url('jt808')}/metrics`)).text();
    expect(metrics).toMatch(/lg_jt808_frames_total\{msg="0x0200"[^}]*\} [1-9]/);
  });

  it('load mode: InfluxDB holds exactly the reports the gateway acknowledged', async () => {
    const { platform } = stand;
    const trucks = platform.registry
      .allDevices()
      .filter((d) => d.kind === 'truck' && d.terminal)
      .slice(30, 50);
    const { summary, acked } = await runLoad({
      url: platform.services.mqttUrl,
      root: platform.root,
      devices: trucks,
      rate: 60,
      durationMs: 5_000,
      passwordOf: (u) => u,
      record: true,
      jt808: { host: '127.0.0.1', port: platform.jt808Port() },
    });
    expect(summary).toMatchObject({ devices: 20, connections: 20, failed: 0, refused: 0, unacknowledged: 0 });
    expect(summary.acked).toBe(summary.sent);
    expect(summary.sent).toBeGreaterThan(200);

    await expectStoredAsAcked(acked, summary.acked, async () =>
      (
        await platform.influxQuery(
          `SELECT "device", "lat" FROM raw_truck.truck WHERE "device" =~ /^(${trucks.map((d) => d.id).join('|')})$/`,
        )
      ).map((r) => `${String(r.device)}@${Number(r.time)}`),
    );
  });
});
