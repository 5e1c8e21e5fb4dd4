import type { Alert, Severity } from '../types';
import { foldIncidents } from './incidents';
import { compareAlerts } from './order';

const at = (s: number) => new Date(Date.UTC(2026, 4, 1, 8, 0, s)).toISOString();
function alert(id: string, severity: Severity, incident?: string, s = 0): Alert {
  return {
    id,
    rule: 'truck.offline',
    severity,
    active: true,
    acknowledged: false,
    kind: 'truck',
    owner: 'C01',
    device: id,
    message: '',
    value: null,
    threshold: null,
    openedAt: at(s),
    updatedAt: at(s),
    count: 1,
    escalation: { level: 'company', since: at(s), notify: [] },
    ...(incident ? { incident } : {}),
  };
}

describe('folding incidents in the alert list', () => {
  it('folds fifty members into one row where the first was, and leaves other alerts as they are', () => {
    const members = Array.from({ length: 50 }, (_, i) => alert(`T${i}`, 'yellow', 'i~a', i));
    const sorted = [alert('X', 'orange', undefined, 99), ...members, alert('Y', 'blue')].sort(compareAlerts);
    const rows = foldIncidents(sorted);
    expect(rows.map((r) => (r.t === 'alert' ? r.alert.id : r.id))).toEqual(['X', 'i~a', 'Y']);
    const row = rows[1];
    expect(row.t === 'incident' && row.members.length).toBe(50);
  });

  it('never folds a red alert: it keeps its own row, even as a member', () => {
    const sorted = [
      alert('R', 'red', 'i~a', 5),
      alert('A', 'orange', 'i~a', 4),
      alert('B', 'yellow', 'i~a', 3),
    ].sort(compareAlerts);
    const rows = foldIncidents(sorted);
    expect(rows[0]).toEqual({ t: 'alert', alert: sorted[0] });
    expect(rows[1]).toMatchObject({ t: 'incident', id: 'i~a', top: { id: 'A' } });
    expect(rows[1].t === 'incident' && rows[1].members.map((m) => m.id)).toEqual(['A', 'B']);
  });

  it('leaves an incident with one member shown as that alert', () => {
    const rows = foldIncidents([alert('A', 'yellow', 'i~a'), alert('B', 'yellow', 'i~b')]);
    expect(rows.map((r) => r.t)).toEqual(['alert', 'alert']);
  });
});
