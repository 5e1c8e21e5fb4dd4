import type { Alert } from '../types';
import {
  compareAlerts,
  countOpen,
  isAlarming,
  isNewer,
  matches,
  worstByDevice,
  type AlertFilter,
} from './order';

let n = 0;
function alert(p: Partial<Alert>): Alert {
  n++;
  return {
    id: `a${n}`,
    rule: 'gas.lel',
    severity: 'orange',
    active: true,
    acknowledged: false,
    kind: 'gas',
    owner: 'P01',
    device: `G${n}`,
    message: 'm',
    value: 30,
    threshold: 25,
    openedAt: '2026-05-01T08:00:00.000Z',
    updatedAt: '2026-05-01T08:00:00.000Z',
    count: 1,
    escalation: { level: 'grid', since: '2026-05-01T08:00:00.000Z', notify: [] },
    ...p,
  };
}

describe('alert list order and filters', () => {
  it('puts active alerts first, then red before orange before yellow before blue, newest first', () => {
    const cleared = alert({ severity: 'red', active: false, id: 'cleared-red' });
    const oldRed = alert({ severity: 'red', id: 'old-red', openedAt: '2026-05-01T07:00:00.000Z' });
    const newRed = alert({ severity: 'red', id: 'new-red', openedAt: '2026-05-01T09:00:00.000Z' });
    const yellow = alert({ severity: 'yellow', id: 'yellow' });
    const blue = alert({ severity: 'blue', id: 'blue' });
    const orange = alert({ severity: 'orange', id: 'orange' });
    const sorted = [blue, cleared, yellow, oldRed, orange, newRed].sort(compareAlerts).map((a) => a.id);
    expect(sorted).toEqual(['new-red', 'old-red', 'orange', 'yellow', 'blue', 'cleared-red']);
  });

  it('keeps the later copy of an alert, and the acknowledged one of two at the same time', () => {
    const a = alert({});
    const later = { ...a, updatedAt: '2026-05-01T08:01:00.000Z', severity: 'red' as const };
    expect(isNewer(later, a)).toBe(true);
    expect(isNewer(a, later)).toBe(false);
    expect(isNewer({ ...a, acknowledged: true }, a)).toBe(true);
    expect(isNewer(a, { ...a, acknowledged: true })).toBe(false);
    expect(isNewer(a, undefined)).toBe(true);
  });

  it('filters by kind, street, company, severity and state', () => {
    const gas = alert({ kind: 'gas', device: 'G001' });
    const truck = alert({ kind: 'truck', owner: 'C01', device: 'T001', severity: 'red' });
    const closed = alert({ kind: 'truck', owner: 'C02', active: false, acknowledged: true });
    const acked = alert({ kind: 'truck', owner: 'C02', acknowledged: true });
    const all = [gas, truck, closed, acked];
    const street = (a: Alert) => (a.device === 'G001' ? 'ST-BJ' : undefined);
    const pick = (f: Partial<AlertFilter>) =>
      all.filter((a) => matches(a, { state: 'open', ...f }, street)).map((a) => a.id);
    expect(pick({})).toEqual([gas.id, truck.id, acked.id]);
    expect(pick({ state: 'all' })).toEqual(all.map((a) => a.id));
    expect(pick({ state: 'unacked' })).toEqual([gas.id, truck.id]);
    expect(pick({ kind: 'truck' })).toEqual([truck.id, acked.id]);
    expect(pick({ company: 'C01' })).toEqual([truck.id]);
    expect(pick({ severity: 'red' })).toEqual([truck.id]);
    expect(pick({ street: 'ST-BJ' })).toEqual([gas.id]);
  });

  it('lights each device with its worst open alert and counts open alerts per severity', () => {
    const list = [
      alert({ device: 'X', severity: 'yellow' }),
      alert({ device: 'X', severity: 'red', rule: 'device.fault' }),
      alert({ device: 'Y', severity: 'red', active: false, acknowledged: true }),
      alert({ device: 'Z', severity: 'blue' }),
    ];
    expect([...worstByDevice(list)]).toEqual([
      ['X', 'red'],
      ['Z', 'blue'],
    ]);
    expect(countOpen(list)).toEqual({ red: 1, orange: 0, yellow: 1, blue: 1 });
  });
});

describe('who has taken an alert', () => {
  const sos = alert({ kind: 'truck', owner: 'C01', rule: 'truck.sos', severity: 'red' });
  const companyAck = { by: 'c01', at: '2026-05-01T08:00:05.000Z' };

  it('sounds a red active alert nobody took, for everyone', () => {
    expect(isAlarming(sos, 'operator')).toBe(true);
    expect(isAlarming(sos, 'company')).toBe(true);
    expect(isAlarming({ ...sos, acknowledged: true }, 'operator')).toBe(false);
    expect(isAlarming({ ...sos, severity: 'orange' }, 'operator')).toBe(false);
    expect(isAlarming({ ...sos, active: false }, 'operator')).toBe(false);
  });

  it("silences a company's taking of a red alert on the company's screens only", () => {
    expect(isAlarming({ ...sos, companyAck }, 'company')).toBe(false);
    expect(isAlarming({ ...sos, companyAck }, 'operator')).toBe(true);
  });

  it('keeps shelved alerts out of the live list and its sounds, on their own view, until the shelf ends', () => {
    const now = Date.parse('2026-05-01T08:30:00.000Z');
    const shelf = {
      by: 'operator',
      confirmedBy: 'chief',
      reason: 'sensor under repair',
      at: '2026-05-01T08:10:00.000Z',
      until: '2026-05-01T09:10:00.000Z',
      severity: 'red' as const,
    };
    const shelved = alert({ severity: 'red', shelf });
    const none = () => undefined;
    const f = (state: AlertFilter['state']): AlertFilter => ({ state });
    expect(matches(shelved, f('open'), none, now)).toBe(false);
    expect(matches(shelved, f('all'), none, now)).toBe(false);
    expect(matches(shelved, f('shelved'), none, now)).toBe(true);
    expect(isAlarming(shelved, 'operator', now)).toBe(false);
    const later = Date.parse(shelf.until);
    expect(matches(shelved, f('open'), none, later)).toBe(true);
    expect(matches(shelved, f('shelved'), none, later)).toBe(false);
    expect(isAlarming(shelved, 'operator', later)).toBe(true);
  });

  it('keeps held alerts out of the list, the header counts and the map: their cause stands for them', () => {
    const held = alert({ rule: 'truck.offline', severity: 'yellow', inhibitedBy: 'link:C01' });
    const cause = alert({ rule: 'platform.link_down', cause: 'link:C01', device: 'C01' });
    const none = () => undefined;
    for (const state of ['open', 'unacked', 'all', 'shelved'] as const)
      expect(matches(held, { state }, none)).toBe(false);
    expect(matches(cause, { state: 'open' }, none)).toBe(true);
    expect(countOpen([held, cause])).toEqual({ red: 0, orange: 1, yellow: 0, blue: 0 });
    expect(worstByDevice([held]).size).toBe(0);
    // Released (no cause any more): an alert like any other.
    const { inhibitedBy: _gone, ...released } = held;
    expect(matches(released, { state: 'open' }, none)).toBe(true);
  });
});
