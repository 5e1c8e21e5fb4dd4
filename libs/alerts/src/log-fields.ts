import type { Alert, AlertTransition } from '@lg/contracts';

/**
 * The fields of a log line about an alert transition: the alert and, for a rule-driven one, the
 * correlation IDs of its trace (`job`, `upTo`, `rx`, `ts`) as top-level fields, under the names the
 * transition carries in `/api/alerts/{id}/history`. The worker, which writes the transition, and the
 * gateway, which sends it on, log the same fields, so one search finds both lines.
 */
export function transitionLogFields(alert: Alert, t: AlertTransition): Record<string, unknown> {
  return {
    msg: `alert ${t.type}`,
    alert: alert.id,
    rule: alert.rule,
    device: alert.device,
    owner: alert.owner,
    severity: t.severity,
    by: t.by,
    ...t.trace,
  };
}
