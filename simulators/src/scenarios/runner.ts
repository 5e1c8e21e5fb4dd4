import { randomBytes } from 'node:crypto';
import { REJECT_REASONS, type Alert, type RejectReason, type Rejection } from '@lg/contracts';
import type { Registry } from '@lg/registry';
import { DeviceClient, formatPubAck } from '../device-client';
import { fixOf } from '../jt808/fleet';
import { Jt808Terminal } from '../jt808/terminal';
import type { GatewayClient, LiveFeed } from '../gateway-client';
import type { TestClock } from '../test-clock';
import { planScenario, readingsPayload, type Plan, type PlannedAction } from './plan';
import { ScenarioError, type Scenario } from './schema';
import type { EscalationDelays } from '@lg/evaluation';
import {
  checkEscalation,
  compareAlerts,
  compareRejections,
  describeAlert,
  summarizeAlerts,
  type AlertSummary,
  type ObservedRejection,
} from './verdict';

export interface ScenarioRunOptions {
  registry: Registry;
  mqttUrl: string;
  root: string;
  /** Logged in as an operator: sees every alert, may acknowledge. */
  gateway: GatewayClient;
  /** MQTT password of an identity (demo: the name itself). */
  passwordOf: (username: string) => string;
  /** Alias → device ID overrides. */
  use?: Record<string, string>;
  seed?: number;
  /** How long nothing new must arrive before the verdict, ms (default 1500). */
  quietMs?: number;
  /** Progress lines (each step as it runs). */
  log?: (line: string) => void;
  /** The platform's test clock, for scenarios with `clock` steps (silence-driven rules). */
  clock?: TestClock;
  /**
   * The platform's escalation delays, when known (its ESCALATION_DELAYS): the run then also waits until
   * every alert nobody acknowledged has climbed its whole chain, and checks each climb (in order, none
   * after an acknowledgement, none early). Meant for platforms with delays of seconds, as in the tests.
   */
  escalation?: EscalationDelays;
  /**
   * Over JT/T 808: the trucks' readings go as 0x0200 reports from a simulated terminal per truck (its
   * registry terminal number and plate) to this gateway, one report at a time, each counted once the
   * gateway answered 0x8001; raw messages and other kinds stay on MQTT. Times are whole seconds (BCD).
   */
  jt808?: { host: string; port: number };
}

export interface ScenarioReport {
  name: string;
  title: string;
  passed: boolean;
  durationMs: number;
  /** What differs from the scenario's statement; empty when it passed. */
  failures: string[];
  /** Things worth knowing that do not fail the run (pre-existing alerts, rules the platform lacks). */
  warnings: string[];
  /** Rules the scenario exercises that the platform's rule pack does not have (likely cause of failure). */
  missingRules: string[];
  alerts: AlertSummary[];
  rejections: ObservedRejection[];
  published: { messages: number; readings: number; refused: number };
  stored: Array<{ device: string; count: number; bad?: number }>;
}

const NEEDS_CLOCK =
  "this scenario moves the platform's test clock (silence-driven rules): start the worker with " +
  'LG_TEST_CLOCK=true (demo mode) and give the runner Redis (--redis URL --redis-prefix PREFIX)';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it is true or `timeoutMs` passed; resolves with the last answer. */
async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

/** The reading fields a JT/T 808 location report carries (libs/jt808 truckPayload). */
const JT808_FIELDS = new Set(['lat', 'lon', 'speed', 'heading', 'alt', 'alarm', 'ignition', 'sats']);

const isReason = (r: unknown): r is RejectReason =>
  typeof r === 'string' && (REJECT_REASONS as readonly string[]).includes(r);

/**
 * Runs one scenario against a running platform and checks what it states: connects to `/live` and to the
 * owners' `_rejected` topics first, publishes the planned messages as the devices (or other identities),
 * waits and acknowledges where the scenario says, then waits until every stated alert and rejection was
 * seen, the platform has evaluated the last reading (the device's `lastSeen`), and nothing new arrived for
 * a moment — and compares. Everything it opens it closes.
 */
export async function runScenario(scenario: Scenario, o: ScenarioRunOptions): Promise<ScenarioReport> {
  const started = Date.now();
  const log = o.log ?? (() => undefined);
  const plan = planScenario(scenario, {
    registry: o.registry,
    root: o.root,
    now: started,
    use: o.use,
    seed: o.seed,
  });
  const report: ScenarioReport = {
    name: scenario.name,
    title: scenario.title,
    passed: false,
    durationMs: 0,
    failures: [],
    warnings: [],
    missingRules: [],
    alerts: [],
    rejections: [],
    published: { messages: 0, readings: 0, refused: 0 },
    stored: [],
  };
  const relevant = new Set<string>([
    ...Object.values(plan.devices).map((d) => d.id),
    ...plan.actions.flatMap((a) => (a.type === 'raw' ? [a.topicDevice] : [])),
    // The links the scenario takes down or up: their own alerts (gateway.offline, platform.link_down).
    ...plan.actions.flatMap((a) => (a.type === 'link' ? [a.link] : [])),
  ]);
  const publishedTopics = new Set(
    plan.actions.flatMap((a) => (a.type === 'raw' || a.type === 'readings' ? [a.topic] : [])),
  );

  const events: Alert[] = [];
  const rejections: ObservedRejection[] = [];
  let lastEventAt = Date.now();
  const clients: DeviceClient[] = [];
  const terminals = new Map<string, Jt808Terminal>();
  let live: LiveFeed | undefined;
  /** The test clock's offset before the run, restored after it. */
  let clockBefore: number | undefined;
  try {
    try {
      const rules = await o.gateway.rules();
      report.missingRules = scenario.rules.filter((r) => !rules.some((x) => x.rule === r));
      const disabled = scenario.rules.filter((r) => rules.some((x) => x.rule === r && !x.enabled));
      if (disabled.length > 0) report.warnings.push(`rules disabled on the platform: ${disabled.join(', ')}`);
    } catch (err) {
      report.warnings.push(`could not read the rule pack: ${(err as Error).message}`);
    }
    if (report.missingRules.length > 0) {
      report.warnings.push(
        `the platform's rule pack has no ${report.missingRules.join(', ')}: their alerts cannot come`,
      );
    }

    if (!o.clock && plan.actions.some((a) => a.type === 'clock')) {
      // Said before anything is published, so that the devices are still fresh for a proper run.
      throw new ScenarioError(NEEDS_CLOCK);
    }
    live = await o.gateway.openLive();
    const preExisting = new Set(live.initial.filter((a) => relevant.has(a.device)).map((a) => a.id));
    for (const a of live.initial.filter((x) => preExisting.has(x.id))) {
      report.warnings.push(
        `already open before the run, ignored: ${a.rule} on ${a.device} (${a.severity}, ${a.active ? 'active' : 'cleared'})`,
      );
    }
    live.onAlert((a) => {
      if (!relevant.has(a.device) || preExisting.has(a.id)) return;
      events.push(a);
      lastEventAt = Date.now();
      log(
        `  ← alert ${a.rule} ${a.device} ${a.severity} ${a.active ? 'active' : 'cleared'}${a.acknowledged ? ' acked' : ''}`,
      );
    });

    await checkFreshDevices(plan, o.gateway);

    // One connection per identity, for listening and publishing alike: the broker takes the username as
    // the client ID, so a second connection as the same identity would replace the first.
    const connections = new Map<string, DeviceClient>();
    const connectionOf = async (identity: string): Promise<DeviceClient> => {
      let c = connections.get(identity);
      if (!c) {
        c = await DeviceClient.connect({
          url: o.mqttUrl,
          clientId: `${identity}-scn-${randomBytes(3).toString('hex')}`,
          username: identity,
          password: o.passwordOf(identity),
          reconnectPeriodMs: 0,
        });
        connections.set(identity, c);
        clients.push(c);
      }
      return c;
    };

    // Rejections come on the owners' topics: listen as each owner involved before publishing anything.
    const owners = new Set<string>();
    for (const a of plan.actions) {
      if (a.type !== 'raw' && a.type !== 'readings') continue;
      owners.add(a.device.owner);
      const topicOwner = a.topic.slice(o.root.length + 1).split('/')[1];
      if (o.registry.isOwner(topicOwner)) owners.add(topicOwner);
    }
    for (const owner of owners) {
      const listener = await connectionOf(owner);
      await listener.subscribe(`${o.root}/_rejected/+/${owner}/#`, (topic, payload) => {
        let body: Partial<Rejection>;
        try {
          body = JSON.parse(payload.toString('utf8')) as Partial<Rejection>;
        } catch {
          return;
        }
        if (typeof body.topic !== 'string' || !publishedTopics.has(body.topic) || !isReason(body.reason))
          return;
        const device = topic.split('/').pop() ?? '';
        rejections.push({
          device,
          reason: body.reason,
          ...(typeof body.index === 'number' ? { index: body.index } : {}),
          message: typeof body.message === 'string' ? body.message : '',
        });
        lastEventAt = Date.now();
        log(
          `  ← rejected ${body.reason} ${device}${typeof body.index === 'number' ? ` [${body.index}]` : ''}`,
        );
      });
    }

    const publisher = connectionOf;

    const sent = new Map<string, { first: number; last: number }>();
    const noteSent = (device: string, ts: number): void => {
      const s = sent.get(device);
      sent.set(device, { first: Math.min(s?.first ?? ts, ts), last: Math.max(s?.last ?? ts, ts) });
    };
    const matching = (rule: string, device: string, severity?: string, active?: boolean): Alert | undefined =>
      [...events]
        .reverse()
        .find(
          (a) =>
            a.rule === rule &&
            a.device === device &&
            (severity === undefined || a.severity === severity) &&
            (active === undefined || a.active === active),
        );

    let aborted = false;
    for (const action of plan.actions) {
      const ok = await perform(action);
      if (!ok) {
        aborted = true;
        report.failures.push('the remaining steps were not run');
        break;
      }
    }

    // Everything stated seen (or the deadline), the last readings evaluated, then quiet.
    const escalation = o.escalation;
    const satisfied = (): boolean =>
      compareAlerts(scenario.expect.alerts, plan.devices, summarizeAlerts(events), o.registry).length === 0 &&
      compareRejections(scenario.expect.rejections, plan.devices, rejections).length === 0 &&
      (!escalation || checkEscalation(events, o.registry, escalation).climbing.length === 0);
    if (!aborted) await until(satisfied, scenario.timeout, 50);
    const evaluated = await until(
      async () => {
        const presence = await o.gateway.devices();
        return [...sent].every(([id, s]) => {
          const p = presence.find((d) => d.id === id);
          return p?.lastSeen !== null && p !== undefined && Date.parse(p.lastSeen) >= s.last;
        });
      },
      20_000,
      200,
    );
    if (!evaluated)
      report.failures.push(
        'the platform did not evaluate the last readings within 20 s (lastSeen of the devices)',
      );
    await until(() => Date.now() - lastEventAt >= (o.quietMs ?? 1500), 15_000, 50);

    for (const e of scenario.expect.stored) {
      const device = plan.devices[e.device];
      // The scenario's whole timeline (raw messages included), a minute either side.
      const s = sent.get(device.id);
      const from = Math.min(plan.base, s?.first ?? plan.base) - 60_000;
      const to = Math.max(plan.base + plan.span, s?.last ?? 0) + 60_000;
      let seen = { count: -1, bad: -1 };
      await until(
        async () => {
          seen = await storedCount(o.gateway, device.id, device.kind, from, to);
          return seen.count === e.count && (e.bad === undefined || seen.bad === e.bad);
        },
        15_000,
        250,
      );
      report.stored.push({
        device: device.id,
        count: seen.count,
        ...(device.kind === 'truck' ? { bad: seen.bad } : {}),
      });
      if (seen.count !== e.count || (e.bad !== undefined && seen.bad !== e.bad)) {
        report.failures.push(
          `stored for ${device.id}: expected ${e.count} readings${e.bad !== undefined ? `, ${e.bad} unqualified` : ''}; ` +
            `found ${seen.count}${device.kind === 'truck' ? `, ${seen.bad} unqualified` : ''}`,
        );
      }
    }

    /** A truck's readings as its terminal's 0x0200 reports, each answered by the gateway before the next. */
    async function reportOverJt808(
      action: Extract<PlannedAction, { type: 'readings' }>,
      at: { host: string; port: number },
    ): Promise<boolean> {
      const d = action.device;
      let terminal = terminals.get(d.id);
      if (!terminal) {
        if (!d.terminal) throw new ScenarioError(`${d.id} has no JT/T 808 terminal number in the registry`);
        terminal = await Jt808Terminal.connect(at.host, at.port, {
          terminal: d.terminal,
          plate: d.plate ?? '',
          plateColor: d.plateColor ?? 0,
        });
        terminals.set(d.id, terminal);
        await terminal.logIn();
      }
      const lost = [
        ...new Set(action.readings.flatMap((r) => Object.keys(r.fields).filter((f) => !JT808_FIELDS.has(f)))),
      ];
      if (lost.length > 0)
        throw new ScenarioError(`${d.id}: a 0x0200 report cannot carry ${lost.join(', ')}: run it over MQTT`);
      // BCD time has whole seconds: the stored event time is the second the report names.
      let previous = 0;
      let accepted = 0;
      for (const r of action.readings) {
        const ts = Math.floor((r.ts ?? Math.max(Date.now(), previous + 1000)) / 1000) * 1000;
        previous = ts;
        const result = await terminal.report(fixOf({ ts, ...r.fields }));
        report.published.messages++;
        report.published.readings++;
        if (result !== 0) {
          report.published.refused++;
          report.failures.push(`the JT/T 808 gateway answered ${d.id}'s report with result ${result}`);
          return false;
        }
        accepted++;
        noteSent(d.id, ts);
      }
      log(
        `  → ${d.id} (JT/T 808 0x0200): ${accepted} report${accepted === 1 ? '' : 's'}${action.notes.length ? ` (${action.notes.join('; ')})` : ''}: 0x8001 success`,
      );
      return true;
    }

    async function perform(action: PlannedAction): Promise<boolean> {
      switch (action.type) {
        case 'readings': {
          if (o.jt808 && action.device.kind === 'truck') return reportOverJt808(action, o.jt808);
          let previous = 0;
          const readings = action.readings.map((r) => {
            const ts = r.ts ?? Math.max(Date.now(), previous + 1);
            previous = ts;
            return { ts, fields: r.fields };
          });
          const client = await publisher(action.identity);
          const ack = await client.publish(action.topic, readingsPayload(readings));
          report.published.messages++;
          report.published.readings += readings.length;
          log(
            `  → ${action.device.id}: ${readings.length} reading${readings.length === 1 ? '' : 's'}${action.notes.length ? ` (${action.notes.join('; ')})` : ''}: ${formatPubAck(ack)}`,
          );
          if (!ack.accepted) {
            report.published.refused++;
            report.failures.push(`the broker refused ${action.device.id}'s readings: ${formatPubAck(ack)}`);
            return false;
          }
          for (const r of readings) noteSent(action.device.id, r.ts);
          return true;
        }
        case 'raw': {
          const client = await publisher(action.identity);
          const ack = await client.publish(action.topic, action.payload);
          report.published.messages++;
          if (!ack.accepted) report.published.refused++;
          log(
            `  → raw as ${action.identity} to ${action.topic.slice(o.root.length + 1)} (${action.note ?? `${action.payload.length} bytes`}): ${formatPubAck(ack)}`,
          );
          if (ack.accepted !== (action.expect === 'accepted')) {
            report.failures.push(
              `${action.note ?? 'raw message'} as ${action.identity} to ${action.topic}: expected the broker to ` +
                `${action.expect === 'accepted' ? 'accept' : 'refuse'} it, got ${formatPubAck(ack)}`,
            );
          }
          return true;
        }
        case 'wait': {
          const on = action.on ?? action.device.id;
          const what = `${action.rule} on ${on}${action.severity ? ` (${action.severity})` : ''}${action.active === undefined ? '' : action.active ? ' active' : ' cleared'}`;
          log(`  … waiting for ${what}`);
          const seen = await until(
            () => matching(action.rule, on, action.severity, action.active) !== undefined,
            action.timeoutMs,
          );
          if (!seen) report.failures.push(`timed out after ${action.timeoutMs / 1000} s waiting for ${what}`);
          return seen;
        }
        case 'clock': {
          if (!o.clock) {
            report.failures.push(NEEDS_CLOCK);
            return false;
          }
          clockBefore ??= await o.clock.offset();
          await o.clock.setOffset(clockBefore + action.offsetMs);
          log(
            `  ⏱ test clock ${action.offsetMs >= 0 ? '+' : ''}${Math.round(action.offsetMs / 1000)} s${action.note ? ` (${action.note})` : ''}`,
          );
          return true;
        }
        case 'link': {
          // As the owner's platform or gateway would: retained, so that ingest finds it after a restart.
          const client = await publisher(action.identity);
          const ack = await client.publish(action.topic, JSON.stringify({ state: action.state }), {
            retain: true,
          });
          report.published.messages++;
          log(
            `  → link ${action.link} ${action.state}${action.note ? ` (${action.note})` : ''}: ${formatPubAck(ack)}`,
          );
          if (!ack.accepted) {
            report.published.refused++;
            report.failures.push(`the broker refused ${action.link}'s link state: ${formatPubAck(ack)}`);
            return false;
          }
          return true;
        }
        case 'ack': {
          const seen = await until(
            () => matching(action.rule, action.device.id) !== undefined,
            action.timeoutMs,
          );
          const alert = matching(action.rule, action.device.id);
          if (!seen || !alert) {
            report.failures.push(
              `no ${action.rule} alert on ${action.device.id} to acknowledge within ${action.timeoutMs / 1000} s`,
            );
            return false;
          }
          const answer = await live!.ack(alert.id, action.note);
          log(`  ✓ acknowledged ${alert.rule} on ${alert.device}: ${answer.ok ? 'ok' : answer.error}`);
          if (!answer.ok) {
            report.failures.push(`acknowledging ${alert.id} failed: ${answer.error}`);
            return false;
          }
          return true;
        }
      }
    }
  } catch (err) {
    if (err instanceof ScenarioError) report.failures.push(err.message);
    else report.failures.push(`the run failed: ${(err as Error).message}`);
  } finally {
    live?.close();
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all([...terminals.values()].map((t) => t.close()));
    if (clockBefore !== undefined) await o.clock?.setOffset(clockBefore).catch(() => undefined);
  }
  report.alerts = summarizeAlerts(events);
  report.rejections = rejections;
  // A run that could not start (no clock, devices not fresh) has nothing to compare.
  if (report.published.messages > 0 || report.failures.length === 0) {
    report.failures.push(
      ...compareAlerts(scenario.expect.alerts, plan.devices, report.alerts, o.registry),
      ...compareRejections(scenario.expect.rejections, plan.devices, rejections),
    );
    if (o.escalation) {
      const verdict = checkEscalation(events, o.registry, o.escalation);
      report.failures.push(...verdict.problems, ...verdict.climbing.map((c) => `did not climb on: ${c}`));
    }
  }
  report.passed = report.failures.length === 0;
  report.durationMs = Date.now() - started;
  return report;
}

/**
 * A scenario's readings are on its own timeline: if a device already reported later than that, its
 * readings would arrive late (stored, never evaluated) and the scenario could not pass. Says so up front.
 */
async function checkFreshDevices(plan: Plan, gateway: GatewayClient): Promise<void> {
  const first = new Map<string, number>();
  for (const a of plan.actions) {
    if (a.type !== 'readings') continue;
    for (const r of a.readings)
      if (r.ts !== null) first.set(a.device.id, Math.min(first.get(a.device.id) ?? r.ts, r.ts));
  }
  if (first.size === 0) return;
  const presence = await gateway.devices();
  const stale: string[] = [];
  let lastSeen = 0;
  for (const [id, ts] of first) {
    const seen = presence.find((d) => d.id === id)?.lastSeen;
    if (seen && Date.parse(seen) >= ts) {
      stale.push(`${id} (last reading ${seen})`);
      lastSeen = Math.max(lastSeen, Date.parse(seen));
    }
  }
  if (stale.length > 0) {
    const aliases = Object.entries(plan.devices)
      .filter(([, d]) => stale.some((s) => s.startsWith(d.id)))
      .map(([alias]) => alias);
    const again =
      plan.scenario.anchor === 'now'
        ? `, or run it again after ${new Date(lastSeen + plan.span + 1000).toISOString()} when its timeline no longer overlaps`
        : '';
    throw new ScenarioError(
      `already reported later than this scenario's timeline starts: ${stale.join(', ')}; its readings would be ` +
        `late and never evaluated. Run on a fresh platform${again}, or drive a device nothing else drives with ` +
        `--use ${aliases[0]}=<device ID>`,
    );
  }
}

/** Readings stored for a device in [from, to): trucks through the track API (with quality), others by field. */
async function storedCount(
  gateway: GatewayClient,
  id: string,
  kind: string,
  from: number,
  to: number,
): Promise<{ count: number; bad: number }> {
  if (kind === 'truck') {
    const points = await gateway.track(id, from, to);
    // Unqualified, or flagged as a drift jump (which keeps its quality tag: see the contract docs).
    return {
      count: points.length,
      bad: points.filter((p) => p.q === 'bad' || p.why?.includes('drift')).length,
    };
  }
  const points = await gateway.series(id, kind === 'gas' ? 'lel' : 'disp', from, to);
  return { count: points.length, bad: points.filter((p) => p.q === 'bad').length };
}

export function formatReport(r: ScenarioReport): string {
  const lines = [
    `${r.passed ? 'PASS' : 'FAIL'}  ${r.name} — ${r.title}  (${(r.durationMs / 1000).toFixed(1)} s)`,
  ];
  for (const a of r.alerts) lines.push(`      alert     ${describeAlert(a)}`);
  for (const j of r.rejections)
    lines.push(`      rejected  ${j.reason} ${j.device}${j.index !== undefined ? ` [${j.index}]` : ''}`);
  for (const s of r.stored)
    lines.push(
      `      stored    ${s.device}: ${s.count}${s.bad !== undefined ? ` (${s.bad} unqualified)` : ''}`,
    );
  for (const w of r.warnings) lines.push(`   !  ${w}`);
  for (const f of r.failures) lines.push(`   ✗  ${f}`);
  return lines.join('\n');
}
