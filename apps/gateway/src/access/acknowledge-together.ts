import { AlertChangedError, AlertNotFoundError, type AckScope, type AlertStore } from '@lg/alerts';
import type { Alert } from '@lg/contracts';
import type { Principal } from '@lg/auth';

/** Whose acknowledgement a person gives: an operator the command centre's, a company user its company's. */
export const ackScope = (principal: Principal): AckScope =>
  principal.role === 'operator' ? 'district' : 'company';

/**
 * Acknowledges alerts a person chose together (a bulk acknowledgement, an incident's members) with one
 * note, each through the alert's own acknowledgement at the severity it was shown at, so that one raised
 * meanwhile is left as `changed`. A red alert is never taken with others: it is left as `red`, to be taken
 * on its own. `leave` gives any other reason to leave one untried; `gone` names an alert deleted meanwhile.
 */
export async function acknowledgeTogether<Gone extends string, Other extends string = never>(
  alerts: AlertStore,
  principal: Principal,
  note: string | undefined,
  chosen: readonly Alert[],
  reasons: { gone: Gone; leave?: (alert: Alert) => Other | undefined },
): Promise<{ acknowledged: string[]; skipped: { id: string; reason: 'red' | 'changed' | Gone | Other }[] }> {
  const scope = ackScope(principal);
  const acknowledged: string[] = [];
  const skipped: { id: string; reason: 'red' | 'changed' | Gone | Other }[] = [];
  for (const alert of chosen) {
    const left = alert.severity === 'red' ? 'red' : reasons.leave?.(alert);
    if (left) {
      skipped.push({ id: alert.id, reason: left });
      continue;
    }
    try {
      const after = await alerts.acknowledge(
        alert.id,
        principal.username,
        note,
        Date.now(),
        scope,
        alert.severity,
      );
      if (after.acknowledged) acknowledged.push(alert.id);
    } catch (err) {
      if (err instanceof AlertChangedError) skipped.push({ id: alert.id, reason: 'changed' });
      else if (err instanceof AlertNotFoundError) skipped.push({ id: alert.id, reason: reasons.gone });
      else throw err;
    }
  }
  return { acknowledged, skipped };
}
