import type { Alert } from '@lg/contracts';
import { closedBefore, matchesFilter } from './alert-store';

/** An alert as the store keeps it: C01's truck T001 offline, open and not taken. */
const raised: Alert = {
  id: 'truck.offline~T001~x',
  rule: 'truck.offline',
  kind: 'truck',
  owner: 'C01',
  device: 'T001',
  severity: 'yellow',
  active: true,
  acknowledged: false,
  message: 'm',
  value: 'offline',
  threshold: null,
  openedAt: '2026-05-01T00:00:00.000Z',
  updatedAt: '2026-05-01T00:00:00.000Z',
  count: 1,
  escalation: { level: 'company', unit: 'C01', since: '2026-05-01T00:00:00.000Z', notify: [] },
};

describe('closedBefore (the retention of closed alerts)', () => {
  const base: Alert = {
    ...raised,
    active: false,
    acknowledged: true,
    updatedAt: '2026-05-01T02:00:00.000Z',
    clearedAt: '2026-05-01T01:00:00.000Z',
    ackedAt: '2026-05-01T02:00:00.000Z',
    ackedBy: 'operator',
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

describe('matchesFilter: held alerts (docs/rules.md, "Inhibition")', () => {
  const heldByLink: Alert = {
    ...raised,
    id: 'truck.offline~T002~x',
    device: 'T002',
    inhibitedBy: 'link:C01',
  };
  const heldByIngest: Alert = { ...heldByLink, id: 'truck.offline~T003~x', inhibitedBy: 'platform:ingest' };
  const all = [raised, heldByLink, heldByIngest];
  const ids = (f: Parameters<typeof matchesFilter>[1]) =>
    all.filter((a) => matchesFilter(a, f)).map((a) => a.id);

  it('held=true takes the alerts with inhibitedBy, held=false the others, none given all of them', () => {
    expect(ids({ held: true })).toEqual([heldByLink.id, heldByIngest.id]);
    expect(ids({ held: false })).toEqual([raised.id]);
    expect(ids({})).toEqual(all.map((a) => a.id));
  });

  it('cause takes only the alerts held under that cause', () => {
    expect(ids({ cause: 'link:C01' })).toEqual([heldByLink.id]);
    expect(ids({ cause: 'platform:ingest', held: true })).toEqual([heldByIngest.id]);
    expect(ids({ cause: 'link:C02' })).toEqual([]);
  });

  it('keeps the other checks with them: a company scope still leaves another owner out', () => {
    expect(ids({ held: true, owners: new Set(['C02']) })).toEqual([]);
    expect(ids({ cause: 'link:C01', active: false })).toEqual([]);
  });
});
