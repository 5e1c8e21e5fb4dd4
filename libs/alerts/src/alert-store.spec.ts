import type { Alert } from '@lg/contracts';
import { closedBefore } from './alert-store';

describe('closedBefore (the retention of closed alerts)', () => {
  const base: Alert = {
    id: 'gas.lel~G001~x',
    rule: 'gas.lel',
    kind: 'gas',
    owner: 'P01',
    device: 'G001',
    severity: 'red',
    active: false,
    acknowledged: true,
    message: 'm',
    value: 10,
    threshold: 50,
    openedAt: '2026-05-01T00:00:00.000Z',
    updatedAt: '2026-05-01T02:00:00.000Z',
    clearedAt: '2026-05-01T01:00:00.000Z',
    ackedAt: '2026-05-01T02:00:00.000Z',
    ackedBy: 'operator',
    count: 1,
    escalation: { level: 'grid', unit: 'GR', since: '2026-05-01T00:00:00.000Z', notify: [] },
  };
  const cutoff = Date.parse('2026-05-02T00:00:00Z');

  it('lets go of an alert that cleared and was acknowledged before the cutoff', () => {
    expect(closedBefore(base, cutoff)).toBe(true);
  });

  it('keeps an active or unacknowledged alert, however old', () => {
    expect(closedBefore({ ...base, active: true }, cutoff)).toBe(false);
    const { ackedAt: _a, ackedBy: _b, ...unacked } = base;
    expect(closedBefore({ ...unacked, acknowledged: false }, cutoff)).toBe(false);
  });

  it('keeps an alert closed after the cutoff, by its clearing or by its acknowledgement', () => {
    expect(closedBefore({ ...base, ackedAt: '2026-05-03T00:00:00.000Z' }, cutoff)).toBe(false);
    expect(closedBefore({ ...base, clearedAt: '2026-05-03T00:00:00.000Z' }, cutoff)).toBe(false);
  });
});
