import type { Alert } from '@lg/contracts';
import {
  DEFAULT_GROUPING,
  groupingKey,
  incidentId,
  parseGroupingKeys,
  placeInIncident,
  type GroupingSubject,
} from './grouping';
import { viewOf } from './incident-store';

const T0 = Date.parse('2026-05-01T08:00:00Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

function subject(device: string, ms: number, over: Partial<GroupingSubject['alert']> = {}, street?: string) {
  return {
    alert: {
      id: `truck.offline~${device}~${ms}`,
      rule: 'truck.offline',
      kind: 'truck' as const,
      owner: 'C01',
      device,
      openedAt: at(ms),
      ...over,
    },
    ...(street !== undefined ? { street } : {}),
  };
}

describe('grouping key', () => {
  it('joins the configured dimensions in a fixed order', () => {
    const s = subject('T001', 0, { kind: 'gas', owner: 'P01', rule: 'device.offline' }, 'ST-BJ');
    expect(groupingKey(s, ['owner', 'rule'])).toBe('rule=offline|owner=P01');
    expect(groupingKey(s, ['rule', 'owner'])).toBe('rule=offline|owner=P01');
    expect(groupingKey(s, ['rule', 'street'])).toBe('rule=offline|street=ST-BJ');
    expect(groupingKey(subject('T1', 0, { rule: 'truck.overspeed' }), ['rule'])).toBe(
      'rule=truck.overspeed|owner=C01',
    );
  });

  it('always keeps a truck company apart from the others', () => {
    expect(groupingKey(subject('T001', 0), ['rule'])).toBe('rule=offline|owner=C01');
    expect(groupingKey(subject('T001', 0, { owner: 'C02' }), ['rule'])).toBe('rule=offline|owner=C02');
  });

  it('does not group without keys, or by a street the device lacks', () => {
    expect(groupingKey(subject('T001', 0), [])).toBeNull();
    expect(groupingKey(subject('T001', 0, { kind: 'slope', owner: 'S01' }), ['street'])).toBeNull();
  });

  it('reads the setting and names a bad key', () => {
    expect(parseGroupingKeys('rule, owner')).toEqual(['rule', 'owner']);
    expect(parseGroupingKeys('none')).toEqual([]);
    expect(() => parseGroupingKeys('rule,site')).toThrow('unknown grouping key "site"');
  });
});

describe('placing an opening alert', () => {
  const key = 'rule=offline|owner=C01';

  it('gathers fifty trucks going silent within the window into one incident', () => {
    let head = placeInIncident(undefined, subject('T000', 0), key, DEFAULT_GROUPING);
    const first = head.id;
    for (let i = 1; i < 50; i++)
      head = placeInIncident(head, subject(`T${i}`, i * 2000), key, DEFAULT_GROUPING);
    expect(head.id).toBe(first);
    expect(head.size).toBe(50);
    expect(head.openedAt).toBe(at(0));
    expect(head.lastAt).toBe(at(49 * 2000));
    expect(head).toMatchObject({ rule: 'truck.offline', owner: 'C01', kind: 'truck' });
    // The two offline rules are one cause: a truck's device.offline joins its truck.offline's incident.
    const both = placeInIncident(
      head,
      subject('T000', 1000, { rule: 'device.offline' }),
      key,
      DEFAULT_GROUPING,
    );
    expect(both).toMatchObject({ id: first, size: 51 });
    expect(both.rule).toBeUndefined();
    expect(first).toBe(incidentId(key, T0));
    expect(first).toMatch(/^[A-Za-z0-9_.~-]+$/);
  });

  it('opens a new incident after the window, or beyond the span however close the members', () => {
    const head = placeInIncident(undefined, subject('T001', 0), key, DEFAULT_GROUPING);
    const late = placeInIncident(head, subject('T002', DEFAULT_GROUPING.windowMs + 1), key, DEFAULT_GROUPING);
    expect(late.id).not.toBe(head.id);
    expect(late.size).toBe(1);
    const config = { ...DEFAULT_GROUPING, windowMs: 60_000, maxSpanMs: 120_000 };
    let h = placeInIncident(undefined, subject('T001', 0), key, config);
    h = placeInIncident(h, subject('T002', 60_000), key, config);
    h = placeInIncident(h, subject('T003', 120_000), key, config);
    const next = placeInIncident(h, subject('T004', 120_001), key, config);
    expect(h.size).toBe(3);
    expect(next.id).not.toBe(h.id);
  });

  it('lets an alert evaluated late, opened just before the first member, join', () => {
    const head = placeInIncident(undefined, subject('T001', 10_000), key, DEFAULT_GROUPING);
    const joined = placeInIncident(head, subject('T002', 0), key, DEFAULT_GROUPING);
    expect(joined).toMatchObject({ id: head.id, size: 2, openedAt: at(0), lastAt: at(10_000) });
  });

  it('names a shared value only while every member has it', () => {
    const k = 'street=ST-BJ';
    const a = placeInIncident(
      undefined,
      subject('G001', 0, { kind: 'gas', owner: 'P01', rule: 'device.offline' }, 'ST-BJ'),
      k,
      DEFAULT_GROUPING,
    );
    const b = placeInIncident(
      a,
      subject('SL1', 1000, { kind: 'slope', owner: 'S01', rule: 'device.offline' }, 'ST-BJ'),
      k,
      DEFAULT_GROUPING,
    );
    expect(b.rule).toBe('device.offline');
    expect(b.street).toBe('ST-BJ');
    expect(b.owner).toBeUndefined();
    expect(b.kind).toBeUndefined();
  });
});

describe('an incident counted from its members', () => {
  const base: Omit<Alert, 'id' | 'severity' | 'active' | 'acknowledged'> = {
    rule: 'truck.offline',
    kind: 'truck',
    owner: 'C01',
    device: 'T1',
    message: '',
    value: null,
    threshold: null,
    openedAt: at(0),
    updatedAt: at(0),
    count: 1,
    escalation: { level: 'company', since: at(0), notify: [] },
  };
  it('counts open, active, unacknowledged and red members, and the top open severity', () => {
    const incident = { id: 'i~x', key: 'k', openedAt: at(0), lastAt: at(0), size: 4 };
    const v = viewOf(incident, [
      { ...base, id: 'a', severity: 'yellow', active: true, acknowledged: false },
      { ...base, id: 'b', severity: 'red', active: true, acknowledged: false },
      { ...base, id: 'c', severity: 'orange', active: false, acknowledged: true },
      { ...base, id: 'd', severity: 'yellow', active: false, acknowledged: false },
    ]);
    expect(v).toMatchObject({ open: 3, active: 2, unacknowledged: 3, red: 1, severity: 'red' });
    expect(v.alerts).toBeUndefined();
    expect(viewOf(incident, []).severity).toBeNull();
  });
});
