import { randomBytes } from 'node:crypto';
import {
  REJECT_REASONS,
  type Alert,
  type Incident,
  type IncidentView,
  type RejectReason,
  type Rejection,
} from '@lg/contracts';
import type { Registry } from '@lg/registry';
import { DeviceClient, formatPubAck } from '../device-client';
import { fixOf } from '../jt808/fleet';
import { Jt808Terminal } from '../jt808/terminal';
import type { GatewayClient, LiveFeed } from '../gateway-client';
import type { TestClock } from '../test-clock';
import { ScenarioYield } from '../yield';
import { planScenario, readingsPayload, type Plan, type PlannedAction } from './plan';
import { ScenarioError, type Scenario } from './schema';
import type { EscalationDelays } from '@lg/evaluation';
import { causeOf } from '@lg/alerts';
import {
  checkAlone,
  compareIncidents,
  describeAlone,
  describeIncident,
  type AloneFinding,
  type IncidentFinding,
} from './incidents';
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
  /**
   * The lease of the devices a demo fleet hands over to this run, seconds (default 30): renewed while it
   * runs; a killed run gives them back when it ends (see `simulators/src/yield.ts`).
   */
  yieldLeaseSec?: number;
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
  /** The incidents the scenario states, as found (alarm floods). */
  incidents: IncidentFinding[];
  /** The alerts stated `alone` or `within`, as they reached the screens. */
  alone: AloneFinding[];
  /** The scenario's device groups and their members (alarm floods). */
  groups: Array<{ group: string; owner: string; kind: string; devices: string[] }>;
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
    incidents: [],
    alone: [],
    groups: [],
  };
  let plan: Plan;
  const planAt = (now: number): Plan =>
    planScenario(scenario, { registry: o.registry, root: o.root, now, use: o.use, seed: o.seed });
  try {
    plan = planAt(started);
  } catch (err) {
    // A scenario this platform's registry cannot host (a flood group larger than the owner's fleet) fails
    // on its own, before anything is published; the others of a run go on.
    if (!(err instanceof ScenarioError)) throw err;
    report.failures.push(err.message);
    report.durationMs = Date.now() - started;
    return report;
  }
  report.groups = Object.entries(plan.groups).map(([group, members]) => ({
    group,
    owner: members[0].owner,
    kind: members[0].kind,
    devices: members.map((d) => d.id),
  }));
  /** A group member's device ID → its group: a flood is logged per group, not per member. */
  const memberOf = new Map(report.groups.flatMap((g) => g.devices.map((d) => [d, g.group] as const)));
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
  const flood = floodWatch();
  let lastEventAt = Date.now();
  const clients: DeviceClient[] = [];
  const terminals = new Map<string, Jt808Terminal>();
  let live: LiveFeed | undefined;
  const screens: LiveFeed[] = [];
  /** The test clock's offset before the run, restored after it. */
  let clockBefore: number | undefined;
  let handOver: ScenarioYield | undefined;
  try {
    // A demo fleet driving these devices hands them over for the run (and takes them back after it).
    const announced = await ScenarioYield.announce([...new Set([...relevant, ...memberOf.keys()])], {
      url: o.mqttUrl,
      root: o.root,
      passwordOf: o.passwordOf,
      leaseSec: o.yieldLeaseSec,
    });
    handOver = announced?.control;
    if (announced && announced.handed.length > 0) {
      const handedAt = Date.now();
      log(`  the demo fleet handed over ${announced.handed.join(', ')} for this run`);
      // The fleet's readings of them are stamped up to now: a timeline ending now would start before
      // them, its readings late and never evaluated. It starts after them once its span has passed.
      if (scenario.anchor === 'now' && plan.span > 0) {
        const waitMs = handedAt + plan.span + 1000 - Date.now();
        log(
          `  waiting ${Math.ceil(waitMs / 1000)} s for the timeline (${plan.span / 1000} s) to start after them`,
        );
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        plan = planAt(Date.now());
      }
    }
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
    screens.push(live);
    for (let k = 1; k < scenario.screens; k++) screens.push(await o.gateway.openLive());
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
      if (memberOf.has(a.device)) return;
      log(
        `  ← alert ${a.rule} ${a.device} ${a.severity} ${a.active ? 'active' : 'cleared'}${a.acknowledged ? ' acked' : ''}`,
      );
    });
    flood.watch(screens, (a) => relevant.has(a.device) && !preExisting.has(a.id), log);

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
    /** Consecutive batches of one group's members, logged as one line when the run of them ends. */
    let groupRun: { group: string; devices: number; readings: number; notes: string[] } | undefined;
    const endGroupRun = (): void => {
      if (!groupRun) return;
      const g = groupRun;
      log(
        `  → ${g.group}: ${g.devices} devices, ${g.readings} readings${g.notes.length ? ` (${g.notes.join('; ')})` : ''}: all accepted`,
      );
      groupRun = undefined;
    };
    for (const action of plan.actions) {
      const group = action.type === 'readings' ? memberOf.get(action.device.id) : undefined;
      if (groupRun && groupRun.group !== group) endGroupRun();
      if (group && action.type === 'readings') {
        groupRun ??= { group, devices: 0, readings: 0, notes: action.notes };
        groupRun.devices++;
        groupRun.readings += action.readings.length;
      }
      const ok = await perform(action);
      if (!ok) {
        groupRun = undefined;
        aborted = true;
        report.failures.push('the remaining steps were not run');
        break;
      }
    }

    endGroupRun();

    // Everything stated seen (or the deadline), the last readings evaluated, then quiet.
    const escalation = o.escalation;
    const satisfied = (): boolean =>
      compareAlerts(plan.alerts, plan.devices, summarizeAlerts(events), o.registry).length === 0 &&
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
          flood.published(action.device.id);
          const ack = await client.publish(action.topic, readingsPayload(readings));
          report.published.messages++;
          report.published.readings += readings.length;
          if (!memberOf.has(action.device.id) || !ack.accepted)
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
          const on = action.members
            ? `each of ${action.members.length} devices of ${action.device.owner}`
            : (action.on ?? action.device.id);
          const what = `${action.rule} on ${on}${action.severity ? ` (${action.severity})` : ''}${action.active === undefined ? '' : action.active ? ' active' : ' cleared'}`;
          log(`  … waiting for ${what}`);
          const seen = await until(
            () =>
              action.members
                ? action.members.every(
                    (d) => matching(action.rule, d.id, action.severity, action.active) !== undefined,
                  )
                : matching(action.rule, action.on ?? action.device.id, action.severity, action.active) !==
                  undefined,
            action.timeoutMs,
          );
          if (!seen) report.failures.push(`timed out after ${action.timeoutMs / 1000} s waiting for ${what}`);
          else if (action.members) log(`  ← ${what}: seen`);
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
        case 'ack-incident':
          return flood.ackIncident(action, events, o.gateway, report, log);
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
    for (const screen of screens) screen.close();
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all([...terminals.values()].map((t) => t.close()));
    await handOver?.release();
    if (clockBefore !== undefined) await o.clock?.setOffset(clockBefore).catch(() => undefined);
  }
  report.alerts = summarizeAlerts(events);
  report.rejections = rejections;
  // A run that could not start (no clock, devices not fresh) has nothing to compare.
  if (report.published.messages > 0 || report.failures.length === 0) {
    report.failures.push(
      ...compareAlerts(plan.alerts, plan.devices, report.alerts, o.registry),
      ...(await flood.verdict(plan, report, o.gateway, scenario.timeout)),
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
    // A group's members (`group:ID`) cannot be swapped with --use: only a fresh platform helps them.
    const aliases = Object.entries(plan.devices)
      .filter(([alias, d]) => !alias.includes(':') && stale.some((s) => s.startsWith(d.id)))
      .map(([alias]) => alias);
    const again =
      plan.scenario.anchor === 'now'
        ? `, or run it again after ${new Date(lastSeen + plan.span + 1000).toISOString()} when its timeline no longer overlaps`
        : '';
    throw new ScenarioError(
      `already reported later than this scenario's timeline starts: ${stale.slice(0, 5).join(', ')}` +
        `${stale.length > 5 ? ` and ${stale.length - 5} more` : ''}; its readings would be ` +
        `late and never evaluated. Run on a fresh platform${again}` +
        (aliases.length > 0
          ? `, or drive a device nothing else drives with --use ${aliases[0]}=<device ID>`
          : ''),
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
  const memberOf = new Map(r.groups.flatMap((g) => g.devices.map((d) => [d, g] as const)));
  /** A group's alerts as one line per rule and outcome: "device.offline on 50 devices of fleet (C12)…". */
  const collapsed = new Map<string, { line: string; count: number }>();
  for (const a of r.alerts) {
    const g = memberOf.get(a.device);
    if (!g) {
      lines.push(`      alert     ${describeAlert(a)}`);
      continue;
    }
    const outcome = describeAlert({ ...a, device: '' }).replace(/^\S+ on : /, '');
    const key = `${g.group}|${a.rule}|${outcome}`;
    const entry = collapsed.get(key) ?? {
      line: `${a.rule} on {n} of ${g.group} (${g.devices.length} ${g.kind} devices of ${g.owner}): ${outcome}`,
      count: 0,
    };
    entry.count++;
    collapsed.set(key, entry);
  }
  for (const c of collapsed.values()) lines.push(`      alert     ${c.line.replace('{n}', String(c.count))}`);
  for (const j of r.rejections)
    lines.push(`      rejected  ${j.reason} ${j.device}${j.index !== undefined ? ` [${j.index}]` : ''}`);
  for (const s of r.stored)
    lines.push(
      `      stored    ${s.device}: ${s.count}${s.bad !== undefined ? ` (${s.bad} unqualified)` : ''}`,
    );
  for (const i of r.incidents) lines.push(`      incident  ${describeIncident(i)}`);
  for (const a of r.alone) lines.push(`      alone     ${describeAlone(a)}`);
  for (const w of r.warnings) lines.push(`   !  ${w}`);
  for (const f of r.failures) lines.push(`   ✗  ${f}`);
  return lines.join('\n');
}

/**
 * What an alarm-flood scenario watches besides the alerts: the `incident` events on `/live`, when each
 * screen first got each alert, when each device's messages went out; and, at the end, its verdict on the
 * stated incidents (polling `GET /api/incidents` until they agree or the deadline) and `alone` alerts.
 */
function floodWatch(): {
  watch(screens: readonly LiveFeed[], mine: (a: Alert) => boolean, log: (line: string) => void): void;
  published(device: string): void;
  ackIncident(
    action: Extract<PlannedAction, { type: 'ack-incident' }>,
    events: readonly Alert[],
    gateway: GatewayClient,
    report: ScenarioReport,
    log: (line: string) => void,
  ): Promise<boolean>;
  verdict(plan: Plan, report: ScenarioReport, gateway: GatewayClient, timeoutMs: number): Promise<string[]>;
} {
  const live = new Map<string, Incident>();
  const firstSeen: Array<Map<string, number>> = [];
  const sentAt = new Map<string, number[]>();
  return {
    watch(screens, mine, log) {
      screens.forEach((screen, k) => {
        const seen = new Map<string, number>();
        firstSeen.push(seen);
        screen.onAlert((a) => {
          if (mine(a) && !seen.has(a.id)) seen.set(a.id, Date.now());
        });
        if (k > 0) return;
        screen.onIncident((i) => {
          // Partitions announce their placements as they commit, not in order of size: keep the largest.
          const before = live.get(i.id);
          live.set(i.id, before && before.size > i.size ? before : i);
          // One line when the incident opens and one per ten members more, not one per member.
          if (!before || Math.floor(i.size / 10) > Math.floor(before.size / 10))
            log(`  ← incident ${i.id} ${i.size} member${i.size === 1 ? '' : 's'}`);
        });
      });
    },
    published(device) {
      const list = sentAt.get(device) ?? [];
      list.push(Date.now());
      sentAt.set(device, list);
    },
    async ackIncident(action, events, gateway, report, log) {
      // The incident the members' alerts of the cause joined, once each member has one.
      const ids = new Set(action.members.map((d) => d.id));
      const placed = (): Map<string, string> => {
        const byDevice = new Map<string, string>();
        for (const a of events)
          if (ids.has(a.device) && causeOf(a.rule) === action.rule && a.incident)
            byDevice.set(a.device, a.incident);
        return byDevice;
      };
      await until(() => placed().size === ids.size, action.timeoutMs);
      const incidents = [...new Set(placed().values())];
      const what = `the ${action.rule} incident of ${action.group}`;
      if (placed().size !== ids.size || incidents.length !== 1) {
        report.failures.push(
          `no single ${what} to acknowledge within ${action.timeoutMs / 1000} s: ${placed().size} of ${ids.size} ` +
            `members placed, in ${incidents.length} incident${incidents.length === 1 ? '' : 's'}`,
        );
        return false;
      }
      const result = await gateway.ackIncident(incidents[0], {
        ...(action.note !== undefined ? { note: action.note } : {}),
        ...(action.severity ? { severity: action.severity } : {}),
      });
      const left = result.skipped.map((k) => `${k.id} (${k.reason})`);
      log(
        `  ✓ acknowledged ${incidents[0]}: ${result.acknowledged.length} members` +
          (left.length > 0 ? `; left: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ' …' : ''}` : ''),
      );
      return true;
    },
    async verdict(plan, report, gateway, timeoutMs) {
      const expected = plan.scenario.expect.incidents;
      const alerts = report.alerts;
      let incidents = compareIncidents(expected, plan.scenario, plan.groups, { alerts, live, listed: [] });
      if (expected.length > 0) {
        let listed: IncidentView[] = [];
        await until(
          async () => {
            listed = await gateway.incidents();
            incidents = compareIncidents(expected, plan.scenario, plan.groups, { alerts, live, listed });
            return incidents.problems.length === 0;
          },
          Math.min(timeoutMs, 20_000),
          250,
        );
      }
      const alone = checkAlone(plan.alerts, plan.devices, { alerts, live }, firstSeen, sentAt);
      report.incidents = incidents.found;
      report.alone = alone.found;
      return [...incidents.problems, ...alone.problems];
    },
  };
}
