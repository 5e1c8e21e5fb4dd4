import type { Alert, RejectReason, Severity } from '@lg/contracts';
import type { EscalationDelays } from '@lg/evaluation';
import type { Device, Registry } from '@lg/registry';
import type { AlertExpectation, RejectionExpectation } from './schema';

/**
 * Compares what the platform did with what a scenario states: pure functions over the observed `/live`
 * alert events and `_rejected` messages, used both while waiting (is everything there yet?) and for the
 * final verdict (is there exactly that, and nothing else?).
 */

/** One alert as the scenario saw it on `/live`, from its first transition to its last. */
export interface AlertSummary {
  id: string;
  rule: string;
  device: string;
  /** Severities in the order they were taken, repeats collapsed. */
  severities: Severity[];
  active: boolean;
  acknowledged: boolean;
  /** `evacuate` targets carried by a red transition, if any. */
  evacuate?: string[];
  /** The incident the alert joined when it opened (docs/rules.md, "Incidents"), if any. */
  incident?: string;
  /** The cause it is held under at its last event (inhibition), if any. */
  heldBy?: string;
  events: number;
}

export function summarizeAlerts(events: readonly Alert[]): AlertSummary[] {
  const byId = new Map<string, AlertSummary>();
  for (const a of events) {
    let s = byId.get(a.id);
    if (!s) {
      s = {
        id: a.id,
        rule: a.rule,
        device: a.device,
        severities: [],
        active: a.active,
        acknowledged: a.acknowledged,
        events: 0,
      };
      byId.set(a.id, s);
    }
    if (s.severities[s.severities.length - 1] !== a.severity) s.severities.push(a.severity);
    s.active = a.active;
    s.acknowledged = a.acknowledged;
    if (a.inhibitedBy !== undefined) s.heldBy = a.inhibitedBy;
    else delete s.heldBy;
    s.events++;
    const evacuate = a.severity === 'red' ? a.actions?.find((x) => x.type === 'evacuate') : undefined;
    if (evacuate) s.evacuate = evacuate.targets ?? [];
    if (a.incident !== undefined) s.incident = a.incident;
  }
  return [...byId.values()];
}

export function describeAlert(s: AlertSummary): string {
  return `${s.rule} on ${s.device}: ${s.severities.join(' → ')}, ${s.active ? 'active' : 'cleared'}${s.acknowledged ? ', acknowledged' : ''}${s.heldBy ? `, held under ${s.heldBy}` : ''}`;
}

function describeExpected(e: AlertExpectation, device: string): string {
  return (
    `${e.rule} on ${device}: ${e.severities.join(' → ')}, ${e.cleared ? 'cleared' : 'active'}` +
    (e.acknowledged === undefined ? '' : e.acknowledged ? ', acknowledged' : ', not acknowledged') +
    (e.held === undefined ? '' : e.held ? ', held' : ', not held') +
    (e.evacuate ? ', with evacuation' : '')
  );
}

/** The ID of the link a device reports through: its company (trucks), else its registry gateway. */
export function linkIdOf(registry: Registry, device: Device): string {
  return device.kind === 'truck' ? device.owner : (registry.gatewayOf(device.id) ?? device.id);
}

/** The buildings a slope sensor's site threatens, by name. */
function buildingsOf(registry: Registry, device: Device): string[] {
  return registry.slopeSite(device.owner)?.buildings.map((b) => b.name) ?? [];
}

/**
 * Differences between the expected alerts and the observed ones: a missing alert, a different severity
 * sequence or end state, and any alert on the scenario's devices it does not state. Empty when they agree.
 * Several expectations for one rule and device match its alerts in order of opening.
 */
export function compareAlerts(
  expected: readonly AlertExpectation[],
  devices: Readonly<Record<string, Device>>,
  observed: readonly AlertSummary[],
  registry: Registry,
): string[] {
  const problems: string[] = [];
  const used = new Set<string>();
  for (const e of expected) {
    const device = devices[e.device];
    const on = e.link ? linkIdOf(registry, device) : device.id;
    const candidate = observed.find((s) => !used.has(s.id) && s.rule === e.rule && s.device === on);
    const want = describeExpected(e, on);
    if (!candidate) {
      problems.push(`missing alert: ${want}`);
      continue;
    }
    used.add(candidate.id);
    const same =
      candidate.severities.length === e.severities.length &&
      candidate.severities.every((s, i) => s === e.severities[i]) &&
      candidate.active === !e.cleared &&
      (e.acknowledged === undefined || candidate.acknowledged === e.acknowledged) &&
      (e.held === undefined || (candidate.heldBy !== undefined) === e.held);
    let evacuation = true;
    if (e.evacuate) {
      const targets = candidate.evacuate;
      evacuation = targets !== undefined && buildingsOf(registry, device).every((b) => targets.includes(b));
    }
    if (!same || !evacuation) {
      problems.push(
        `alert differs: expected ${want}; saw ${describeAlert(candidate)}` +
          (e.evacuate
            ? ` (evacuate: ${candidate.evacuate ? candidate.evacuate.join('、') || 'no buildings' : 'none'})`
            : ''),
      );
    }
  }
  for (const s of observed) if (!used.has(s.id)) problems.push(`unexpected alert: ${describeAlert(s)}`);
  return problems;
}

export interface ObservedRejection {
  /** Device ID in the refused message's topic. */
  device: string;
  reason: RejectReason;
  index?: number;
  message: string;
}

/** Differences between the expected rejections and the observed ones (a multiset by device, reason, index). */
export function compareRejections(
  expected: readonly RejectionExpectation[],
  aliases: Readonly<Record<string, Device>>,
  observed: readonly ObservedRejection[],
): string[] {
  const problems: string[] = [];
  const left = [...observed];
  // Expectations naming a batch index first, so that an unindexed one does not take their rejection.
  const ordered = [...expected].sort((a, b) => Number(b.index !== undefined) - Number(a.index !== undefined));
  for (const e of ordered) {
    const device = aliases[e.device]?.id ?? e.device;
    for (let i = 0; i < e.count; i++) {
      const at = left.findIndex(
        (r) => r.device === device && r.reason === e.reason && (e.index === undefined || r.index === e.index),
      );
      if (at < 0) {
        const seen = e.count > 1 ? ` (${i} of ${e.count} seen)` : '';
        problems.push(
          `missing rejection: ${e.reason} for ${device}${e.index !== undefined ? ` at index ${e.index}` : ''}${seen}`,
        );
        break;
      }
      left.splice(at, 1);
    }
  }
  for (const r of left) {
    problems.push(
      `unexpected rejection: ${r.reason} for ${r.device}${r.index !== undefined ? ` at index ${r.index}` : ''} (${r.message})`,
    );
  }
  return problems;
}

/** What the escalation of the observed alerts shows: wrong climbs, and alerts that should climb further. */
export interface EscalationVerdict {
  problems: string[];
  /** Alerts nobody acknowledged whose severity escalates and which are not yet at the top of their chain. */
  climbing: string[];
}

/**
 * Checks how the observed alerts climbed their chain of responsibility (from the registry: a truck's
 * company, or the asset's grid → community → street, then the district), given the platform's
 * per-severity delays: each starts at the chain's first step and takes every step in order; none climbs
 * after it was acknowledged, nor while its severity never escalates (blue); two climbs are at least the
 * delay of the alert's severity apart. An alert still due to climb is `climbing`, not a problem: the
 * caller waits for it, and reports what is left at its deadline.
 */
export function checkEscalation(
  events: readonly Alert[],
  registry: Registry,
  delays: EscalationDelays,
): EscalationVerdict {
  const problems: string[] = [];
  const climbing: string[] = [];
  const byId = new Map<string, Alert[]>();
  for (const a of events) byId.set(a.id, [...(byId.get(a.id) ?? []), a]);
  for (const seen of byId.values()) {
    const first = seen[0];
    const device = registry.device(first.device);
    if (!device) continue;
    const chain = registry.chainOf(device).map((s) => s.level);
    const what = `${first.rule} on ${first.device}`;
    /** Each step as first seen, and whether the alert was acknowledged by then. */
    const steps: Array<{ alert: Alert; acked: boolean }> = [];
    let acked = false;
    for (const a of seen) {
      if (steps[steps.length - 1]?.alert.escalation.level !== a.escalation.level)
        steps.push({ alert: a, acked });
      acked ||= a.acknowledged;
    }
    const levels = steps.map((s) => s.alert.escalation.level);
    if (!levels.every((l, i) => l === chain[i])) {
      problems.push(`${what} climbed ${levels.join(' → ')}; its chain is ${chain.join(' → ')}`);
      continue;
    }
    for (let i = 1; i < steps.length; i++) {
      const { alert, acked: afterAck } = steps[i];
      const delay = delays[alert.severity];
      const gap = Date.parse(alert.escalation.since) - Date.parse(steps[i - 1].alert.escalation.since);
      if (afterAck) problems.push(`${what} climbed to ${alert.escalation.level} after it was acknowledged`);
      else if (delay === null)
        problems.push(
          `${what} climbed to ${alert.escalation.level} while ${alert.severity}, which never escalates`,
        );
      else if (i > 1 && gap < delay)
        problems.push(
          `${what} climbed to ${alert.escalation.level} ${gap} ms after the step before; ${alert.severity} waits ${delay} ms`,
        );
      if (alert.escalation.notify.length === 0)
        problems.push(`${what} reached ${alert.escalation.level} without naming a duty contact`);
    }
    const last = seen[seen.length - 1];
    if (!acked && delays[last.severity] !== null && levels.length < chain.length)
      climbing.push(
        `${what} (${last.severity}) is at ${levels[levels.length - 1]}, not yet at ${chain[chain.length - 1]}`,
      );
  }
  return { problems, climbing };
}
