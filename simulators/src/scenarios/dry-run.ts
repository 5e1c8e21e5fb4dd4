import {
  HazardIndex,
  parseTelemetry,
  type Alert,
  type CauseState,
  type HazardArea,
  type ReadingRecord,
} from '@lg/contracts';
import {
  acknowledge,
  applySignal,
  causeAlertChange,
  causeOf,
  causeSubject,
  closeQuietly,
  DEFAULT_INHIBITION,
  hold,
  holds,
  inhibitingCauseOf,
  INHIBITABLE_RULES,
  type LifecycleResult,
  type RuleSignal,
} from '@lg/alerts';
import type { Registry } from '@lg/registry';
import {
  emptyDeviceState,
  evaluateReading,
  HAZARD_RULES,
  hazardAreaOf,
  nextDeadline,
  resolvePack,
  tickDevice,
  truckNearHazard,
  type DeviceRuleState,
  type RulePack,
  type TruckNearHazardConfig,
} from '@lg/rules';
import { planScenario, readingsPayload } from './plan';
import type { Scenario } from './schema';
import {
  compareAlerts,
  compareRejections,
  summarizeAlerts,
  type AlertSummary,
  type ObservedRejection,
} from './verdict';

export interface DryRunResult {
  alerts: AlertSummary[];
  rejections: ObservedRejection[];
  /** Differences from what the scenario states (empty: the rule pack agrees with the scenario). */
  failures: string[];
}

/**
 * Runs a scenario through this checkout's rule pack and alert lifecycle in memory, with no platform: the
 * contract's parsing, the rules in event time with receipt times from a simulated wall clock, the silence
 * timers ticked when the scenario waits, acknowledgements. A quick check that a scenario and the rules
 * agree (`scenario NAME --dry-run`); the end-to-end run remains the proof, since it also exercises the
 * broker, ingest, the worker's timers and the gateway.
 */
export function dryRunScenario(
  scenario: Scenario,
  registry: Registry,
  now = Date.now(),
  pack: RulePack = resolvePack(),
): DryRunResult {
  const plan = planScenario(scenario, { registry, root: 'dry/v1', now });
  const states = new Map<string, DeviceRuleState>();
  const alerts = new Map<string, Alert>();
  const events: Alert[] = [];
  const rejections: ObservedRejection[] = [];
  let real = now;
  let offset = 0;
  const clock = (): number => real + offset;
  // The hazard areas the slope and gas alerts define, as the worker's cache would hold them.
  const areas = new Map<string, HazardArea>();
  let hazards = HazardIndex.EMPTY;
  const radii = (pack.rules.get(truckNearHazard.name)?.config ??
    truckNearHazard.defaults) as TruckNearHazardConfig;
  const ctxOf = (id: string) => ({ device: registry.device(id)!, registry, hazards });
  // Inhibition, as the worker decides it (libs/evaluation): the links' states and their own alerts.
  const causes = new Map<string, CauseState>();
  const causeAlerts = new Map<string, Alert>();
  const inhibit = (id: string, change: LifecycleResult): LifecycleResult => {
    const device = registry.device(id)!;
    if (change.alert.inhibitedBy !== undefined)
      return change.transition.type === 'cleared' ? closeQuietly(change) : change;
    if (change.transition.type !== 'opened' || !INHIBITABLE_RULES.has(change.alert.rule)) return change;
    const cause = inhibitingCauseOf(device, registry.gatewayOf(id));
    return cause !== undefined && holds(causes.get(cause), clock(), DEFAULT_INHIBITION)
      ? hold(change, cause)
      : change;
  };
  const linkChanged = (cause: string, state: CauseState): void => {
    causes.set(cause, state);
    const subject = causeSubject(cause, (g) => {
      const gw = registry.gateway(g);
      return gw && gw.devices.length > 0 ? { owner: gw.owner, kind: gw.devices[0].kind } : undefined;
    });
    if (!subject) return;
    const change = causeAlertChange(causeAlerts.get(cause), cause, subject, state, (since) => ({
      level: 'grid',
      since,
      notify: [],
    }));
    if (!change) return;
    causeAlerts.set(cause, change.alert);
    events.push(change.alert);
  };

  const apply = (
    id: string,
    emissions: ReadonlyArray<{ rule: string; signal: RuleSignal; ts: number }>,
  ): void => {
    const device = registry.device(id)!;
    const state = states.get(id)!;
    for (const e of emissions) {
      const current = state.alerts[e.rule] ? alerts.get(state.alerts[e.rule]) : undefined;
      const subject = { rule: e.rule, kind: device.kind, owner: device.owner, device: id };
      const raw = applySignal(current, subject, e.signal, e.ts, (since) => ({
        level: 'grid',
        since,
        notify: [],
      }));
      if (!raw) continue;
      const change = inhibit(id, raw);
      state.alerts = { ...state.alerts, [e.rule]: change.alert.id };
      alerts.set(change.alert.id, change.alert);
      events.push(change.alert);
      if (HAZARD_RULES.has(e.rule)) {
        const area = hazardAreaOf(change.alert, registry, radii);
        if (area) areas.set(area.id, area);
        else areas.delete(change.alert.id);
        hazards = new HazardIndex([...areas.values()]);
      }
    }
  };
  const tick = (): void => {
    for (const [id, state] of states) {
      const ctx = ctxOf(id);
      const due = nextDeadline(state, ctx, pack);
      if (due === null || due > clock()) continue;
      const result = tickDevice(state, clock(), ctx, pack);
      states.set(id, { ...result.state, alerts: state.alerts });
      apply(id, result.emissions);
    }
  };
  const ingest = (topic: string, payload: Buffer): void => {
    const [, , kind, owner, id] = topic.split('/');
    const device = registry.device(id);
    if (!device) {
      rejections.push({ device: id, reason: 'unknown_device', message: 'not registered' });
      return;
    }
    if (device.owner !== owner || device.kind !== kind) {
      // As ingest does: another tenant's device is answered as unknown, never named.
      rejections.push({ device: id, reason: 'unknown_device', message: 'not registered' });
      return;
    }
    const parsed = parseTelemetry(device.kind, payload, { now: real, futureToleranceMs: 60_000 });
    for (const e of parsed.errors)
      rejections.push({
        device: id,
        reason: e.reason,
        message: e.message,
        ...(e.index !== undefined ? { index: e.index } : {}),
      });
    for (const r of [...parsed.readings].sort((a, b) => a.ts - b.ts)) {
      const record: ReadingRecord = {
        t: 'r',
        kind: device.kind,
        owner,
        device: id,
        ts: r.ts,
        rx: real,
        q: r.bad.length > 0 ? 'bad' : 'ok',
        ...(r.bad.length > 0 ? { why: r.bad } : {}),
        f: r.fields,
      };
      const before = states.get(id) ?? emptyDeviceState();
      states.set(id, before);
      const result = evaluateReading(before, record, ctxOf(id), pack);
      states.set(id, { ...result.state, alerts: before.alerts });
      apply(id, result.emissions);
    }
  };

  const failures: string[] = [];
  for (const a of plan.actions) {
    switch (a.type) {
      case 'readings': {
        const payload = readingsPayload(a.readings.map((r) => ({ ts: r.ts ?? real, fields: r.fields })));
        ingest(a.topic, Buffer.from(payload));
        real += 10;
        break;
      }
      case 'raw': {
        // The broker's ACL: an owner writes the topics of its own registered devices, a device only its own.
        const [, , kind, owner, id] = a.topic.split('/');
        const device = registry.device(id);
        const own = device?.owner === owner && device.kind === kind;
        const allowed = own && (a.identity === owner || a.identity === id);
        if (allowed) ingest(a.topic, a.payload);
        if (allowed !== (a.expect === 'accepted'))
          failures.push(`the broker would ${allowed ? 'accept' : 'refuse'} ${a.note ?? a.topic}`);
        real += 10;
        break;
      }
      case 'clock':
        offset = a.offsetMs;
        break;
      case 'link':
        linkChanged(a.cause, { state: a.state === 'offline' ? 'down' : 'up', since: clock() });
        real += 10;
        break;
      case 'wait':
        real += 1000;
        tick();
        break;
      case 'ack-incident':
        // Incidents are the worker's (not modelled here): each member's open alert of the cause is taken.
        for (const d of a.members) {
          for (const [rule, id] of Object.entries(states.get(d.id)?.alerts ?? {})) {
            const alert = alerts.get(id);
            const change =
              alert && causeOf(rule) === a.rule ? acknowledge(alert, 'operator', a.note, real) : null;
            if (change) {
              alerts.set(change.alert.id, change.alert);
              events.push(change.alert);
            }
          }
        }
        break;
      case 'ack': {
        const id = states.get(a.device.id)?.alerts[a.rule];
        const alert = id ? alerts.get(id) : undefined;
        const change = alert ? acknowledge(alert, 'operator', a.note, real) : null;
        if (change) {
          alerts.set(change.alert.id, change.alert);
          events.push(change.alert);
        } else failures.push(`no ${a.rule} alert on ${a.device.id} to acknowledge`);
        break;
      }
    }
  }
  real += 3000;
  tick();
  const summaries = summarizeAlerts(events);
  failures.push(
    ...compareAlerts(plan.alerts, plan.devices, summaries, registry),
    ...compareRejections(scenario.expect.rejections, plan.devices, rejections),
  );
  return { alerts: summaries, rejections, failures };
}
