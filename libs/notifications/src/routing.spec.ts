import type { Alert, AlertTransition, DutyContact, Severity } from '@lg/contracts';
import { renderMessage, shanghaiTime } from './messages';
import {
  followIncidents,
  groupMessages,
  IncidentMemory,
  inQuietHours,
  route,
  shanghaiMinutes,
  type RouteStep,
  type RoutingPolicy,
  type Routed,
} from './routing';

const person = (n: number, extra: Partial<DutyContact> = {}): DutyContact => ({
  name: `p${n}`,
  phone: `0755-2890${1000 + n}`,
  mobile: `1380755${1000 + n}`,
  email: `duty${1000 + n}@longgang.example`,
  ...extra,
});

const chain: RouteStep[] = [
  { level: 'grid', unit: { id: 'GR-1', duty: [person(1)] } },
  { level: 'community', unit: { id: 'CM-1', duty: [person(2)] } },
  { level: 'street', unit: { id: 'ST-1', duty: [person(3), person(4, { mobile: undefined })] } },
  { level: 'district', unit: { id: 'LG', duty: [person(5)] } },
];

const policy: RoutingPolicy = {
  minSeverity: 'blue',
  ownerMinSeverity: {},
  quietHours: { from: 22 * 60, to: 7 * 60 },
  channels: ['sms', 'email', 'webhook'],
};

// 10:00 and 23:30 in Shanghai (UTC+8).
const DAY = '2026-05-01T02:00:00.000Z';
const NIGHT = '2026-05-01T15:30:00.000Z';

function alert(severity: Severity, level: Alert['escalation']['level'], id = 'gas.lel~G001~1'): Alert {
  return {
    id,
    rule: 'gas.lel',
    severity,
    active: true,
    acknowledged: false,
    kind: 'gas',
    owner: 'P01',
    device: 'G001',
    message: 'gas',
    value: 60,
    threshold: 50,
    openedAt: DAY,
    updatedAt: DAY,
    count: 1,
    escalation: { level, since: DAY, notify: [] },
  };
}

function transition(a: Alert, type: AlertTransition['type'], at = DAY): AlertTransition {
  return {
    alertId: a.id,
    type,
    at,
    by: 'system',
    severity: a.severity,
    active: true,
    acknowledged: false,
    value: 60,
  };
}

const units = (rs: ReturnType<typeof route>) => rs.map((r) => r.unit);

describe('route', () => {
  it('tells the level reached of a new alert, on every channel the person has', () => {
    const a = alert('orange', 'grid');
    const rs = route(a, transition(a, 'opened'), chain, policy);
    expect(rs).toEqual([
      {
        level: 'grid',
        unit: 'GR-1',
        step: 0,
        index: 0,
        contact: person(1),
        channels: ['sms', 'email', 'webhook'],
      },
    ]);
  });

  it('sends red to every level reached, lower severities to the new level only', () => {
    const red = alert('red', 'street');
    expect(units(route(red, transition(red, 'escalated'), chain, policy))).toEqual([
      'GR-1',
      'CM-1',
      'ST-1',
      'ST-1',
    ]);
    const orange = alert('orange', 'street');
    expect(units(route(orange, transition(orange, 'escalated'), chain, policy))).toEqual(['ST-1', 'ST-1']);
  });

  it('leaves out a channel the person has no address for', () => {
    const a = alert('orange', 'street');
    const second = route(a, transition(a, 'escalated'), chain, policy)[1];
    expect(second.channels).toEqual(['email', 'webhook']);
  });

  it('notifies only transitions someone must act on', () => {
    const a = alert('red', 'grid');
    for (const type of ['cleared', 'lowered', 'updated', 'acknowledged', 'closed'] as const)
      expect(route(a, transition(a, type), chain, policy)).toEqual([]);
    for (const type of ['opened', 'raised', 'reopened', 'escalated', 'released'] as const)
      expect(route(a, transition(a, type), chain, policy)).toHaveLength(1);
  });

  it('tells nobody of an alert held under a cause, until it is released', () => {
    const held = { ...alert('yellow', 'grid'), inhibitedBy: 'link:C01' };
    for (const type of ['opened', 'raised', 'escalated'] as const)
      expect(route(held, transition(held, type), chain, policy)).toEqual([]);
  });

  it('holds back SMS and webhooks for blue and yellow in quiet hours, never for orange and red', () => {
    const y = alert('yellow', 'grid');
    expect(route(y, transition(y, 'opened', NIGHT), chain, policy)[0].channels).toEqual(['email']);
    expect(route(y, transition(y, 'opened', DAY), chain, policy)[0].channels).toEqual([
      'sms',
      'email',
      'webhook',
    ]);
    const r = alert('red', 'grid');
    expect(route(r, transition(r, 'opened', NIGHT), chain, policy)[0].channels).toEqual([
      'sms',
      'email',
      'webhook',
    ]);
    const o = alert('orange', 'grid');
    expect(route(o, transition(o, 'opened', NIGHT), chain, policy)[0].channels).toEqual([
      'sms',
      'email',
      'webhook',
    ]);
  });

  it('applies the least severity, per owner over the platform, and never to red', () => {
    const y = alert('yellow', 'grid');
    expect(route(y, transition(y, 'opened'), chain, { ...policy, minSeverity: 'orange' })).toEqual([]);
    expect(
      route(y, transition(y, 'opened'), chain, { ...policy, ownerMinSeverity: { P01: 'orange' } }),
    ).toEqual([]);
    expect(
      route(y, transition(y, 'opened'), chain, { ...policy, ownerMinSeverity: { P02: 'orange' } }),
    ).toHaveLength(1);
    const r = alert('red', 'grid');
    expect(
      route(r, transition(r, 'opened'), chain, {
        ...policy,
        minSeverity: 'red',
        ownerMinSeverity: { P01: 'red' },
      }),
    ).toHaveLength(1);
  });

  it('tells a person listed at two levels once', () => {
    const twice: RouteStep[] = [
      chain[0],
      { level: 'community', unit: { id: 'CM-1', duty: [person(1), person(2)] } },
    ];
    const r = alert('red', 'community');
    expect(route(r, transition(r, 'escalated'), twice, policy).map((x) => x.contact.name)).toEqual([
      'p1',
      'p2',
    ]);
  });

  it('sends nothing when no channel is on', () => {
    const r = alert('red', 'grid');
    expect(route(r, transition(r, 'opened'), chain, { ...policy, channels: [] })).toEqual([]);
  });
});

describe('quiet hours', () => {
  it('reads the time in Shanghai and wraps past midnight', () => {
    expect(shanghaiMinutes(Date.parse('2026-05-01T16:00:00Z'))).toBe(0);
    const q = { from: 22 * 60, to: 7 * 60 };
    expect(inQuietHours(q, Date.parse('2026-05-01T14:00:00Z'))).toBe(true); // 22:00
    expect(inQuietHours(q, Date.parse('2026-05-01T22:59:00Z'))).toBe(true); // 06:59
    expect(inQuietHours(q, Date.parse('2026-05-01T23:00:00Z'))).toBe(false); // 07:00
    expect(inQuietHours({ from: 12 * 60, to: 14 * 60 }, Date.parse('2026-05-01T05:00:00Z'))).toBe(true);
    expect(inQuietHours(null, Date.parse('2026-05-01T14:00:00Z'))).toBe(false);
  });
});

describe('groupMessages', () => {
  const routedFor = (n: number): Routed[] =>
    Array.from({ length: n }, (_, i) => {
      const a = alert(i === 7 ? 'orange' : 'yellow', 'grid', `device.offline~G${i}~1`);
      const t = transition(a, 'opened');
      return { entry: `1-${i}`, alert: a, transition: t, recipients: route(a, t, chain, policy) };
    });

  it('gives one message per person per transition while there are few', () => {
    const ms = groupMessages(routedFor(3), 3);
    expect(ms).toHaveLength(3);
    expect(new Set(ms.map((m) => m.key)).size).toBe(3);
    expect(ms.every((m) => m.items.length === 1)).toBe(true);
  });

  it('turns a storm into one message per person, the most severe first', () => {
    const ms = groupMessages(routedFor(500), 3);
    expect(ms).toHaveLength(1);
    expect(ms[0].items).toHaveLength(500);
    expect(ms[0].items[0].alert.severity).toBe('orange');
    expect(ms[0].recipient.channels).toEqual(['sms', 'email', 'webhook']);
  });

  it('keys a message by its entries and person, the same when read again', () => {
    expect(groupMessages(routedFor(500), 3)[0].key).toBe(groupMessages(routedFor(500), 3)[0].key);
    expect(groupMessages(routedFor(2), 3)[0].key).toBe('1-0|13807551001');
  });
});

describe('messages', () => {
  it('tell the time in Beijing time', () => {
    expect(shanghaiTime('2026-05-01T15:30:00.000Z')).toBe('2026-05-01 23:30:00（北京时间）');
  });

  it('carry the link on a message about one alert, none on a grouped one', () => {
    const one = groupMessages(
      [
        {
          entry: '1-1',
          alert: alert('red', 'grid'),
          transition: transition(alert('red', 'grid'), 'opened'),
          recipients: route(alert('red', 'grid'), transition(alert('red', 'grid'), 'opened'), chain, policy),
        },
      ],
      3,
    )[0];
    const r = renderMessage(one, 'http://gw/ack/x');
    expect(r.sms).toContain('确认：http://gw/ack/x');
    expect(r.text).toContain('http://gw/ack/x');
    expect(r.subject).toBe('【龙岗应急】新告警 红色 G001');
  });
});

describe('notifications follow incidents', () => {
  const INCIDENT = 'i~offline~C01~mx7jbd6p';
  const member = (
    i: number,
    severity: Severity = 'yellow',
    type: AlertTransition['type'] = 'opened',
  ): Routed => {
    const a = { ...alert(severity, 'grid', `device.offline~T${i}~1`), incident: INCIDENT };
    const t = transition(a, type);
    return { entry: `2-${i}`, alert: a, transition: t, recipients: route(a, t, chain, policy) };
  };

  it('makes the members gathered together one message per contact naming the incident and its count', () => {
    const members = [1, 2, 3].map((i) => member(i));
    const { kept } = followIncidents(members, new IncidentMemory());
    const ms = groupMessages(kept, 100);
    expect(ms).toHaveLength(1);
    expect(ms[0].incident).toBe(INCIDENT);
    expect(ms[0].items).toHaveLength(3);
    const text = renderMessage(ms[0], undefined);
    expect(text.sms).toContain(`事件 ${INCIDENT} 共3条告警`);
    expect(text.subject).toBe('【龙岗应急】事件：3条告警（黄色3条）');
  });

  it('sends nothing new for members joining an incident already told of, at or below its severity', () => {
    const memory = new IncidentMemory();
    const first = followIncidents([member(1), member(2)], memory);
    for (const [id, sev] of first.told) memory.set(id, sev);
    expect(followIncidents([member(3), member(4, 'yellow', 'reopened')], memory).kept).toEqual([]);
    // Escalations and other alerts pass as before.
    expect(followIncidents([member(5, 'yellow', 'escalated')], memory).kept).toHaveLength(1);
  });

  it('tells again when a member rises above what was told, and always of a red member as itself', () => {
    const memory = new IncidentMemory();
    memory.set(INCIDENT, 'yellow');
    const { kept, told } = followIncidents([member(6, 'orange'), member(7, 'red'), member(8)], memory);
    expect(kept.map((r) => r.alert.severity)).toEqual(['orange', 'red']);
    expect(told.get(INCIDENT)).toBe('orange');
    const ms = groupMessages(kept, 100);
    // Two messages per contact: the red one on its own, never folded into the incident.
    expect(ms.find((m) => m.items[0].alert.severity === 'red')?.incident).toBeUndefined();
  });

  it('forgets the oldest incident first, within its bound (one more message at worst, never one fewer)', () => {
    const memory = new IncidentMemory(2);
    memory.set('a', 'yellow');
    memory.set('b', 'yellow');
    memory.set('c', 'yellow');
    expect(memory.get('a')).toBeUndefined();
    expect(memory.get('c')).toBe('yellow');
  });

  it('notes nothing before the messages are queued: a batch read again loses nothing', () => {
    const memory = new IncidentMemory();
    followIncidents([member(1), member(2)], memory);
    expect(followIncidents([member(1), member(2)], memory).kept).toHaveLength(2);
  });
});
