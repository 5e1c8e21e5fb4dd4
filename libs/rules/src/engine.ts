import type { ReadingRecord } from '@lg/contracts';
import type { RuleSignal } from '@lg/alerts';
import type { Device } from '@lg/registry';
import { RULES, type RulePackConfig } from './pack';

/** What the rule engine keeps per device between readings. */
export interface DeviceRuleState {
  /** Event time of the newest reading evaluated. Older readings are late: stored, counted, not evaluated. */
  lastTs: number;
  rules: Record<string, unknown>;
  /** Open alert per rule, by ID. */
  alerts: Record<string, string>;
}

export interface RuleEmission {
  rule: string;
  signal: RuleSignal;
  ts: number;
}

export function emptyDeviceState(): DeviceRuleState {
  return { lastTs: 0, rules: {}, alerts: {} };
}

/**
 * Runs every rule of the device's kind over one reading. Late and duplicate readings (event time not after
 * the newest one seen) do not touch rule state: they can neither open nor clear an alert by themselves.
 */
export function evaluateReading(
  state: DeviceRuleState,
  reading: ReadingRecord,
  device: Device,
  pack: RulePackConfig,
): { state: DeviceRuleState; emissions: RuleEmission[]; late: boolean } {
  if (reading.ts <= state.lastTs) return { state, emissions: [], late: true };
  const rules = { ...state.rules };
  const emissions: RuleEmission[] = [];
  for (const rule of RULES) {
    if (!rule.kinds.includes(reading.kind)) continue;
    const before = rules[rule.name] ?? rule.initial();
    const out = rule.evaluate(before, reading, pack[rule.name], { device });
    rules[rule.name] = out.state;
    if (out.signal) emissions.push({ rule: rule.name, signal: out.signal, ts: reading.ts });
  }
  return { state: { ...state, lastTs: reading.ts, rules }, emissions, late: false };
}
