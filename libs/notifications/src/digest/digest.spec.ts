import type { Alert, EscalationLevel, Severity } from '@lg/contracts';
import { buildDigest, DIGEST_OPEN_LISTED } from './digest';
import { localDay } from './days';
import { renderDigest } from './render';

const day = localDay('2026-05-01', 'Asia/Shanghai'); // 2026-04-30T16:00Z … 2026-05-01T16:00Z
const scope = { kind: 'street' as const, id: 'ST-BJ', name: '布吉街道' };
/** 08:00 Shanghai the next morning. */
const now = Date.parse('2026-05-02T00:00:00Z');

function alert(
  id: string,
  opened: string,
  o: Partial<Alert> & { severity?: Severity; level?: EscalationLevel; ackAfterSec?: number } = {},
): Alert {
  const ackedAt =
    o.ackAfterSec !== undefined
      ? new Date(Date.parse(opened) + o.ackAfterSec * 1000).toISOString()
      : undefined;
  return {
    id,
    rule: 'gas.lel',
    severity: 'orange',
    active: false,
    acknowledged: ackedAt !== undefined,
    kind: 'gas',
    owner: 'P01',
    device: id.split('~')[1] ?? 'G001',
    message: 'LEL 30%',
    value: 30,
    threshold: 25,
    openedAt: opened,
    updatedAt: opened,
    count: 1,
    escalation: { level: o.level ?? 'grid', since: opened, notify: [] },
    ...(ackedAt ? { ackedAt, ackedBy: 'operator' } : {}),
    ...o,
  };
}

describe('buildDigest', () => {
  const opened = [
    alert('gas.lel~G001~a', '2026-04-30T17:00:00Z', {
      severity: 'red',
      ackAfterSec: 120,
      level: 'community',
    }),
    alert('gas.lel~G002~b', '2026-05-01T01:00:00Z', { severity: 'red', ackAfterSec: 600, count: 3 }),
    alert('gas.lel~G003~c', '2026-05-01T02:00:00Z', { severity: 'red', ackAfterSec: 300 }),
    alert('gas.lel~G004~d', '2026-05-01T03:00:00Z', {
      severity: 'orange',
      ackAfterSec: 3600,
      level: 'street',
    }),
    alert('gas.lel~G005~e', '2026-05-01T04:00:00Z', { severity: 'orange', active: true, level: 'district' }),
    alert('device.offline~G006~f', '2026-05-01T05:00:00Z', { severity: 'yellow', rule: 'device.offline' }),
    // Outside the day: the evening before and the next local day.
    alert('gas.lel~G007~g', '2026-04-30T15:59:59Z', { severity: 'red' }),
    alert('gas.lel~G008~h', '2026-05-01T16:00:00Z', { severity: 'red' }),
  ];
  const open = [
    alert('gas.lel~G005~e', '2026-05-01T04:00:00Z', { severity: 'orange', active: true, level: 'district' }),
    alert('device.offline~G006~f', '2026-05-01T05:00:00Z', { severity: 'yellow', rule: 'device.offline' }),
    // Standing: active for more than a day, opened long before.
    alert('slope.displacement~SL-1~z', '2026-04-28T00:00:00Z', {
      severity: 'yellow',
      rule: 'slope.displacement',
      active: true,
      acknowledged: true,
      ackedAt: '2026-04-28T00:10:00Z',
    }),
    // Closed (cleared and acknowledged): not open.
    alert('gas.lel~G009~y', '2026-04-29T00:00:00Z', { ackAfterSec: 10 }),
  ];
  const d = buildDigest({ scope, day, opened, open, now });

  it('counts the day’s alerts by severity and rule, and names the worst', () => {
    expect(d.date).toBe('2026-05-01');
    expect(d.from).toBe('2026-04-30T16:00:00.000Z');
    expect(d.alerts.total).toBe(6);
    expect(d.alerts.firings).toBe(8);
    expect(d.alerts.bySeverity).toEqual({ red: 3, orange: 2, yellow: 1, blue: 0 });
    expect(d.alerts.byRule).toEqual([
      { rule: 'gas.lel', total: 5, bySeverity: { red: 3, orange: 2, yellow: 0, blue: 0 } },
      { rule: 'device.offline', total: 1, bySeverity: { red: 0, orange: 0, yellow: 1, blue: 0 } },
    ]);
    // Red first; among them the one that fired most, then the earliest.
    expect(d.alerts.worst.map((a) => a.id)).toEqual([
      'gas.lel~G002~b',
      'gas.lel~G001~a',
      'gas.lel~G003~c',
      'gas.lel~G004~d',
      'gas.lel~G005~e',
    ]);
  });

  it('measures time to acknowledge per severity: median and the slowest', () => {
    expect(d.handling.bySeverity.red).toEqual({
      opened: 3,
      acknowledged: 3,
      unacknowledged: 0,
      medianSec: 300,
      slowest: { id: 'gas.lel~G002~b', device: 'G002', rule: 'gas.lel', sec: 600 },
    });
    expect(d.handling.bySeverity.orange).toMatchObject({
      opened: 2,
      acknowledged: 1,
      unacknowledged: 1,
      medianSec: 3600,
    });
    expect(d.handling.bySeverity.yellow).toMatchObject({ acknowledged: 0, medianSec: null, slowest: null });
    expect(d.handling.bySeverity.blue.opened).toBe(0);
  });

  it('counts the escalations by the level reached', () => {
    expect(d.handling.escalated).toBe(3);
    expect(d.handling.reached).toEqual({ company: 0, grid: 3, community: 1, street: 1, district: 1 });
  });

  it('lists what is open now, most severe then oldest, with its age and the standing ones', () => {
    expect(d.open.total).toBe(3);
    expect(d.open.unacknowledged).toBe(2);
    expect(d.open.standing).toBe(1);
    expect(d.open.items.map((a) => [a.id, a.ageHours])).toEqual([
      ['gas.lel~G005~e', 20],
      ['slope.displacement~SL-1~z', 96],
      ['device.offline~G006~f', 19],
    ]);
  });

  it('counts a company’s taking of its red truck alert as taken in its handling time', () => {
    const truck = alert('truck.sos~T001~s', '2026-05-01T06:00:00Z', {
      severity: 'red',
      kind: 'truck',
      owner: 'C01',
      level: 'company',
      rule: 'truck.sos',
      companyAck: { by: 'c01', at: '2026-05-01T06:01:30Z' },
    });
    const c = buildDigest({
      scope: { kind: 'company', id: 'C01', name: 'x' },
      day,
      opened: [truck],
      open: [truck],
      now,
    });
    expect(c.handling.bySeverity.red).toMatchObject({ acknowledged: 1, medianSec: 90 });
    expect(c.handling.escalated).toBe(0);
    expect(c.open.unacknowledged).toBe(1);
  });

  it('lists at most the configured number of open items; an empty day is a digest too', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      alert(`device.offline~G${100 + i}~x`, '2026-05-01T05:00:00Z', { active: true }),
    );
    const e = buildDigest({ scope, day, opened: [], open: many, now });
    expect(e.alerts.total).toBe(0);
    expect(e.open.total).toBe(30);
    expect(e.open.items).toHaveLength(DIGEST_OPEN_LISTED);
    expect(e.handling.bySeverity.red.medianSec).toBeNull();
  });

  it('renders a mail with the same figures, in Chinese with English alongside', () => {
    const r = renderDigest(d, undefined);
    expect(r.subject).toBe('【龙岗应急】布吉街道 2026-05-01 日报 · Daily digest');
    expect(r.text).toContain(
      '一、昨日告警 Alerts: 6（红色3条，橙色2条，黄色1条；3 red, 2 orange, 1 yellow）',
    );
    expect(r.text).toContain(
      '红色 red: 确认 acknowledged 3/3，中位 median 5 min，最慢 slowest 10 min（G002）',
    );
    expect(r.text).toContain('升级 escalated: 3（社区 community 1，街道 street 1，区 district 1）');
    expect(r.text).toContain('三、未结事项 Open items: 3（未确认 unacknowledged 2，超过24小时 standing 1）');
    expect(r.text).toContain('统计时段 Period: 2026-05-01 00:00 – 2026-05-02 00:00 (Asia/Shanghai)');
    expect(r.html).toContain('<span data-figure="total">6</span>');
    expect(r.html).toContain('data-severity="red">3</div>');
    // Nothing of the alerts goes into the HTML unescaped.
    const evil = buildDigest({
      scope: { ...scope, name: '<script>x</script>' },
      day,
      opened: [alert('gas.lel~G001~q', '2026-05-01T01:00:00Z', { message: '<img src=x onerror=1>' })],
      open: [],
      now,
    });
    const html = renderDigest(evil, undefined).html;
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
  });
});
