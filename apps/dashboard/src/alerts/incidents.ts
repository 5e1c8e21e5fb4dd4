import { severityRank } from '@lg/contracts/alert';
import type { Alert } from '../types';

/** A row of the alert list: one alert, or an incident standing for its members. */
export type AlertRow =
  | { t: 'alert'; alert: Alert }
  | {
      t: 'incident';
      id: string;
      /** The members the list would have shown, in its order (never a red one: see below). */
      members: Alert[];
      /** The member that sets the row's colour: the highest severity, the first in the list's order. */
      top: Alert;
    };

export const rowKey = (row: AlertRow): string => (row.t === 'alert' ? row.alert.id : row.id);

/**
 * The list with the members of each incident folded into one row, placed where its first member was. An
 * incident folds only when at least `minMembers` of its members are shown; fewer stay as themselves. A red
 * alert is never folded: it stays on its own row wherever it belongs (and still counts in the header), so
 * that no flood can hide the one that matters.
 */
export function foldIncidents(sorted: readonly Alert[], minMembers = 2): AlertRow[] {
  const foldable = new Map<string, Alert[]>();
  for (const a of sorted) {
    if (a.incident === undefined || a.severity === 'red') continue;
    const list = foldable.get(a.incident);
    if (list) list.push(a);
    else foldable.set(a.incident, [a]);
  }
  const rows: AlertRow[] = [];
  const placed = new Set<string>();
  for (const a of sorted) {
    const members = a.incident !== undefined && a.severity !== 'red' ? foldable.get(a.incident) : undefined;
    if (!members || members.length < minMembers) {
      rows.push({ t: 'alert', alert: a });
      continue;
    }
    if (placed.has(a.incident!)) continue;
    placed.add(a.incident!);
    const top = members.reduce((best, m) =>
      severityRank(m.severity) > severityRank(best.severity) ? m : best,
    );
    rows.push({ t: 'incident', id: a.incident!, members, top });
  }
  return rows;
}
