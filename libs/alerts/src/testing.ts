import type { Escalation, Severity } from '@lg/contracts';
import type { RuleSignal } from './lifecycle';

/**
 * Test support for the alert specs: what they hand `applySignal` to open and move an alert, a rule's fire
 * signal and the escalation a new alert starts with.
 */

/** A rule's fire signal: the severity it calls for, the value read, the threshold it crossed, its message. */
export function fireSignal(
  severity: Severity,
  value: number,
  threshold: number,
  message: string,
): RuleSignal {
  return { type: 'fire', severity, value, threshold, message };
}

/** A new alert's escalation: the grid GR-1 from `since`, nobody notified yet. */
export const gridEscalation = (since: string): Escalation => ({
  level: 'grid',
  unit: 'GR-1',
  since,
  notify: [],
});
