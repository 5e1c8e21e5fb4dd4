import { isAhead, type ReadingRecord } from '@lg/contracts';
import { configFor, type RulePack } from './pack';
import type { RuleContext, RuleOutput, RuleSignal } from './rule';

/** What the rule engine keeps per device between readings. */
export interface DeviceRuleState {
  /** Event time of the newest reading evaluated. Older readings are late: stored, counted, not evaluated. */
  lastTs: number;
  rules: Record<string, unknown>;
  /** Open alert per rule, by ID. */
  alerts: Record<string, string>;
  /**
   * The newest reading stamped in the future that was evaluated (at its arrival time): its receipt time
   * and its own stamp. Such readings are judged late against this, not against `lastTs`, so that every
   * reading of a batch from a clock that runs ahead is evaluated and a replayed one is not.
   */
  ahead?: { rx: number; ts: number };
}

export interface RuleEmission {
  rule: string;
  signal: RuleSignal;
  ts: number;
}

export function emptyDeviceState(): DeviceRuleState {
  return { lastTs: 0, rules: {}, alerts: {} };
}

type Step = (rule: { name: string }, before: unknown, config: unknown) => RuleOutput<unknown> | null;

function run(
  state: DeviceRuleState,
  ctx: RuleContext,
  pack: RulePack,
  ts: number,
  step: Step,
): { rules: Record<string, unknown>; emissions: RuleEmission[] } {
  const rules = { ...state.rules };
  const emissions: RuleEmission[] = [];
  for (const r of pack.rules.values()) {
    if (!r.enabled || !r.rule.kinds.includes(ctx.device.kind)) continue;
    const before = rules[r.rule.name] ?? r.rule.initial();
    const out = step(r.rule, before, configFor(r, ctx.device));
    if (!out) continue;
    rules[r.rule.name] = out.state;
    if (out.signal) emissions.push({ rule: r.rule.name, signal: out.signal, ts });
  }
  return { rules, emissions };
}

/**
 * Runs every enabled rule of the device's kind over one reading. Late and duplicate readings (event time
 * not after the newest one seen) do not touch rule state: they can neither open nor clear an alert.
 *
 * A reading stamped in the future (`future_ts`: the terminal's clock runs ahead) is evaluated at its
 * arrival time instead, never later than now: an SOS or a gas alarm must not depend on the terminal's
 * clock, and the device's clock must not move into the future (one such reading would make every later,
 * correct one look late). The rules see it unqualified, re-stamped at its arrival; each rule's own policy
 * for unqualified readings applies (docs/rules.md).
 */
export function evaluateReading(
  state: DeviceRuleState,
  reading: ReadingRecord,
  ctx: RuleContext,
  pack: RulePack,
): { state: DeviceRuleState; emissions: RuleEmission[]; late: boolean } {
  if (isAhead(reading)) return evaluateAhead(state, reading, ctx, pack);
  if (reading.ts <= state.lastTs) return { state, emissions: [], late: true };
  // A drifted fix (a GPS jump) is qualified by its fields but must not drive threshold rules.
  const seen: ReadingRecord =
    reading.q === 'ok' && reading.why?.includes('drift') ? { ...reading, q: 'bad' } : reading;
  const { rules, emissions } = run(state, ctx, pack, reading.ts, (rule, before, config) => {
    const r = pack.rules.get(rule.name)!.rule;
    return r.evaluate(before, seen, config, ctx);
  });
  return { state: { ...state, lastTs: reading.ts, rules }, emissions, late: false };
}

/** A reading stamped in the future, at its arrival time (see evaluateReading). */
function evaluateAhead(
  state: DeviceRuleState,
  reading: ReadingRecord,
  ctx: RuleContext,
  pack: RulePack,
): { state: DeviceRuleState; emissions: RuleEmission[]; late: boolean } {
  // Arrival first, then its own stamp: a later message, or a later reading of the same batch, is new; a
  // replay of one already evaluated is not.
  const last = state.ahead;
  if (last && (reading.rx < last.rx || (reading.rx === last.rx && reading.ts <= last.ts)))
    return { state, emissions: [], late: true };
  // Never before the newest reading evaluated, so that rule state does not go back in time.
  const at = Math.max(reading.rx, state.lastTs);
  const seen: ReadingRecord = { ...reading, ts: at };
  const { rules, emissions } = run(state, ctx, pack, at, (rule, before, config) =>
    pack.rules.get(rule.name)!.rule.evaluate(before, seen, config, ctx),
  );
  return {
    state: { ...state, lastTs: at, ahead: { rx: reading.rx, ts: reading.ts }, rules },
    emissions,
    late: false,
  };
}

/** Gives the rules that asked for it a tick at `now` (clock time, ms): silence has lasted long enough. */
export function tickDevice(
  state: DeviceRuleState,
  now: number,
  ctx: RuleContext,
  pack: RulePack,
): { state: DeviceRuleState; emissions: RuleEmission[] } {
  const { rules, emissions } = run(state, ctx, pack, now, (rule, before, config) => {
    const r = pack.rules.get(rule.name)!.rule;
    if (!r.tick || !r.deadline) return null;
    const due = r.deadline(before, config, ctx);
    return due !== null && due <= now ? r.tick(before, now, config, ctx) : null;
  });
  return { state: { ...state, rules }, emissions };
}

/** The earliest time any rule wants a tick for this device, or null. */
export function nextDeadline(state: DeviceRuleState, ctx: RuleContext, pack: RulePack): number | null {
  let next: number | null = null;
  for (const r of pack.rules.values()) {
    if (!r.enabled || !r.rule.deadline || !r.rule.kinds.includes(ctx.device.kind)) continue;
    const due = r.rule.deadline(state.rules[r.rule.name] ?? r.rule.initial(), configFor(r, ctx.device), ctx);
    if (due !== null && (next === null || due < next)) next = due;
  }
  return next;
}
