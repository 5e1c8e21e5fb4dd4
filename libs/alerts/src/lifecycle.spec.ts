import type { ChainStep } from '@lg/registry';
import { DEFAULT_ESCALATION_DELAYS } from './escalation';
import {
  acknowledge,
  alertId,
  applySignal,
  deviceOfAlertId,
  escalate,
  escalationDue,
  initialEscalation,
  type RuleSignal,
} from './lifecycle';
import { fireSignal, gridEscalation as esc } from './testing';

const subject = { rule: 'gas.lel', kind: 'gas' as const, owner: 'P01', device: 'G001' };
const fire = (severity: 'orange' | 'red', value: number) =>
  fireSignal(severity, value, severity === 'red' ? 50 : 25, 'gas');
const clear: RuleSignal = { type: 'clear', value: 5 };
const T = Date.parse('2026-05-01T00:00:00Z');

describe('alert lifecycle', () => {
  it('opens one alert and raises it in place', () => {
    const opened = applySignal(undefined, subject, fire('orange', 30), T, esc)!;
    expect(opened.transition.type).toBe('opened');
    const raised = applySignal(opened.alert, subject, fire('red', 60), T + 1000, esc)!;
    expect(raised.alert.id).toBe(opened.alert.id);
    expect(raised.transition.type).toBe('raised');
    expect(raised.alert.severity).toBe('red');
    expect(applySignal(raised.alert, subject, fire('red', 70), T + 2000, esc)).toBeNull();
  });

  it('orders an acknowledgement after the alert it answers, even from a gateway whose clock is behind', () => {
    const opened = applySignal(undefined, subject, fire('orange', 30), T + 60_000, esc)!;
    const acked = acknowledge(opened.alert, 'operator', undefined, T)!;
    expect(acked.alert.ackedAt).toBe(new Date(T).toISOString());
    expect(acked.alert.updatedAt).toBe(opened.alert.updatedAt);
    const later = acknowledge(opened.alert, 'operator', undefined, T + 120_000)!;
    expect(later.alert.updatedAt).toBe(new Date(T + 120_000).toISOString());
  });

  it('carries the incident of the alert on its transitions', () => {
    const opened = applySignal(undefined, subject, fire('orange', 30), T, esc)!;
    const member = { ...opened.alert, incident: 'i~offline~P01~x' };
    expect(applySignal(member, subject, fire('red', 60), T + 1000, esc)!.transition.incident).toBe(
      'i~offline~P01~x',
    );
    expect(acknowledge(member, 'operator', undefined, T + 2000)!.transition.incident).toBe('i~offline~P01~x');
  });

  it('keeps the same id for the same opening time (replay after a crash makes no second alert)', () => {
    const a = applySignal(undefined, subject, fire('red', 60), T, esc)!;
    const b = applySignal(undefined, subject, fire('red', 60), T, esc)!;
    expect(a.alert.id).toBe(b.alert.id);
  });

  it('reopens a cleared alert nobody acknowledged, counting it, instead of opening another', () => {
    const opened = applySignal(undefined, subject, fire('orange', 30), T, esc)!;
    const cleared = applySignal(opened.alert, subject, clear, T + 60_000, esc)!;
    expect(cleared.alert).toMatchObject({ active: false, clearedAt: new Date(T + 60_000).toISOString() });
    const again = applySignal(cleared.alert, subject, fire('orange', 28), T + 120_000, esc)!;
    expect(again.transition.type).toBe('reopened');
    expect(again.alert).toMatchObject({ id: opened.alert.id, active: true, count: 2 });
    expect(again.alert.clearedAt).toBeUndefined();
  });

  it('opens a new alert once the old one is cleared and acknowledged (closed)', () => {
    const opened = applySignal(undefined, subject, fire('orange', 30), T, esc)!;
    const acked = acknowledge(opened.alert, 'operator', 'on it', T + 1000)!;
    expect(acked.alert).toMatchObject({
      acknowledged: true,
      ackedBy: 'operator',
      note: 'on it',
      active: true,
    });
    const cleared = applySignal(acked.alert, subject, clear, T + 60_000, esc)!;
    const fresh = applySignal(cleared.alert, subject, fire('red', 55), T + 120_000, esc)!;
    expect(fresh.transition.type).toBe('opened');
    expect(fresh.alert.id).not.toBe(opened.alert.id);
  });

  it('keeps the first acknowledgement', () => {
    const opened = applySignal(undefined, subject, fire('orange', 30), T, esc)!;
    const acked = acknowledge(opened.alert, 'operator', undefined, T + 1000)!;
    expect(acknowledge(acked.alert, 'c01', 'late', T + 2000)).toBeNull();
  });

  it('ignores a clear when nothing is active', () => {
    expect(applySignal(undefined, subject, clear, T, esc)).toBeNull();
  });

  describe('acknowledgement follows severity', () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const ackedOrange = () => {
      const opened = applySignal(undefined, subject, fire('orange', 30), T, esc)!;
      return acknowledge(opened.alert, 'operator', 'checking', T + 1000)!.alert;
    };

    it('a raise clears the acknowledgement, saying whose it was and the severity before', () => {
      const raised = applySignal(ackedOrange(), subject, fire('red', 80), T + 5000, esc)!;
      expect(raised.transition).toMatchObject({
        type: 'raised',
        severity: 'red',
        acknowledged: false,
        previousSeverity: 'orange',
        clearedAck: { by: 'operator', at: iso(T + 1000) },
      });
      expect(raised.alert).toMatchObject({ severity: 'red', acknowledged: false, active: true });
      expect(raised.alert).not.toHaveProperty('ackedBy');
      expect(raised.alert).not.toHaveProperty('ackedAt');
      expect(raised.alert).not.toHaveProperty('note');
      // And it can be taken again, at its new severity.
      const again = acknowledge(raised.alert, 'duty', 'evacuating', T + 6000)!;
      expect(again.alert).toMatchObject({ acknowledged: true, ackedBy: 'duty', note: 'evacuating' });
    });

    it('orders the raise after the acknowledgement it clears, even when the reading is older', () => {
      // The reading that raises was taken before the operator's click but evaluated after it.
      const raised = applySignal(ackedOrange(), subject, fire('red', 80), T + 500, esc)!;
      expect(Date.parse(raised.alert.updatedAt)).toBeGreaterThan(T + 1000);
      expect(raised.transition.at).toBe(raised.alert.updatedAt);
    });

    it('a lowering keeps the acknowledgement', () => {
      const opened = applySignal(undefined, subject, fire('red', 60), T, esc)!;
      const acked = acknowledge(opened.alert, 'operator', undefined, T + 1000)!;
      const lowered = applySignal(acked.alert, subject, fire('orange', 30), T + 60_000, esc)!;
      expect(lowered.transition).toMatchObject({
        type: 'lowered',
        previousSeverity: 'red',
        acknowledged: true,
      });
      expect(lowered.transition.clearedAck).toBeUndefined();
      expect(lowered.alert).toMatchObject({ acknowledged: true, ackedBy: 'operator' });
    });

    it('a raise of an alert nobody took clears nothing', () => {
      const opened = applySignal(undefined, subject, fire('orange', 30), T, esc)!;
      const raised = applySignal(opened.alert, subject, fire('red', 60), T + 1000, esc)!;
      expect(raised.transition.clearedAck).toBeUndefined();
      expect(raised.transition.at).toBe(iso(T + 1000));
    });
  });

  describe("a company's taking and the command centre's acknowledgement", () => {
    const truck = { rule: 'truck.sos', kind: 'truck' as const, owner: 'C01', device: 'T001' };
    const sos: RuleSignal = { type: 'fire', severity: 'red', value: '0x1', threshold: null, message: 'SOS' };
    const overspeed: RuleSignal = { ...sos, severity: 'yellow', value: 70 };

    it("a company's user takes a red alert for its company only: the alert stays unacknowledged", () => {
      const opened = applySignal(undefined, truck, sos, T, esc)!;
      const taken = acknowledge(opened.alert, 'c01', 'calling the driver', T + 1000, 'company')!;
      expect(taken.alert.acknowledged).toBe(false);
      expect(taken.alert.companyAck).toEqual({
        by: 'c01',
        at: new Date(T + 1000).toISOString(),
        note: 'calling the driver',
      });
      expect(taken.transition).toMatchObject({ type: 'acknowledged', by: 'c01', acknowledged: false });
      expect(taken.transition.note).toBe('calling the driver');
      // Taking it twice changes nothing; the command centre still takes it.
      expect(acknowledge(taken.alert, 'c01', undefined, T + 2000, 'company')).toBeNull();
      const district = acknowledge(taken.alert, 'operator', 'police informed', T + 3000)!;
      expect(district.alert).toMatchObject({
        acknowledged: true,
        ackedBy: 'operator',
        companyAck: { by: 'c01' },
      });
      // And once the command centre took it, a company's click changes nothing.
      expect(acknowledge(district.alert, 'c01', undefined, T + 4000, 'company')).toBeNull();
    });

    it("a company's acknowledgement of a lower alert counts, until the alert rises", () => {
      const opened = applySignal(undefined, truck, overspeed, T, esc)!;
      const acked = acknowledge(opened.alert, 'c01', undefined, T + 1000, 'company')!;
      expect(acked.alert).toMatchObject({ acknowledged: true, ackedBy: 'c01' });
      expect(acked.alert.companyAck).toBeUndefined();
      const red = applySignal(acked.alert, truck, { ...overspeed, severity: 'red' }, T + 2000, esc)!;
      expect(red.alert.acknowledged).toBe(false);
      expect(red.transition.clearedAck).toEqual({ by: 'c01', at: new Date(T + 1000).toISOString() });
    });

    it("a reopening clears a company's taking: a second SOS must be taken again", () => {
      const opened = applySignal(undefined, truck, sos, T, esc)!;
      const taken = acknowledge(opened.alert, 'c01', undefined, T + 1000, 'company')!;
      const cleared = applySignal(taken.alert, truck, { type: 'clear', value: '0x0' }, T + 60_000, esc)!;
      expect(cleared.alert).toMatchObject({ active: false, acknowledged: false, companyAck: { by: 'c01' } });
      const again = applySignal(cleared.alert, truck, sos, T + 120_000, esc)!;
      expect(again.transition).toMatchObject({
        type: 'reopened',
        previousSeverity: 'red',
        clearedCompanyAck: { by: 'c01', at: new Date(T + 1000).toISOString() },
      });
      expect(again.alert.companyAck).toBeUndefined();
      expect(again.alert).toMatchObject({ active: true, acknowledged: false, count: 2 });
    });
  });
});

describe('escalation in the lifecycle', () => {
  const duty = (name: string) => [{ name, phone: '0755-00000000' }];
  const chain: ChainStep[] = [
    { level: 'grid', unit: { id: 'GR-1', name: '网格', duty: duty('网格员') } },
    { level: 'community', unit: { id: 'CM-1', name: '社区', duty: duty('社区值班') } },
    { level: 'district', unit: { id: 'LG', name: '龙岗区', duty: duty('区值班') } },
  ];
  const start = (since: string) => initialEscalation(chain, since);

  it('starts at the first step, climbs one step at a time with an escalated transition, and stops at the top', () => {
    const opened = applySignal(undefined, subject, fire('red', 60), T, start)!.alert;
    expect(opened.escalation).toEqual({
      level: 'grid',
      unit: 'GR-1',
      since: new Date(T).toISOString(),
      notify: duty('网格员'),
    });
    const up = escalate(opened, chain, T + 300_000)!;
    expect(up.alert.escalation).toMatchObject({ level: 'community', unit: 'CM-1' });
    expect(up.alert.updatedAt).toBe(new Date(T + 300_000).toISOString());
    expect(up.transition).toMatchObject({
      type: 'escalated',
      by: 'system',
      acknowledged: false,
      severity: 'red',
    });
    const top = escalate(up.alert, chain, T + 600_000)!;
    expect(top.alert.escalation.level).toBe('district');
    expect(escalate(top.alert, chain, T + 900_000)).toBeNull();
  });

  it('does not climb an alert someone took, nor a closed one; a cleared one nobody took still climbs', () => {
    const opened = applySignal(undefined, subject, fire('red', 60), T, start)!.alert;
    const acked = acknowledge(opened, 'operator', undefined, T + 1000)!.alert;
    expect(escalate(acked, chain, T + 300_000)).toBeNull();
    const cleared = applySignal(opened, subject, clear, T + 2000, start)!.alert;
    expect(escalate(cleared, chain, T + 300_000)?.alert.escalation.level).toBe('community');
  });

  it("is due after the severity's delay, never for blue or for an alert someone took", () => {
    const red = applySignal(undefined, subject, fire('red', 60), T, start)!.alert;
    expect(escalationDue(red, DEFAULT_ESCALATION_DELAYS, T + 10)).toBe(T + 10 + 5 * 60_000);
    expect(escalationDue({ ...red, severity: 'blue' }, DEFAULT_ESCALATION_DELAYS, T)).toBeNull();
    expect(escalationDue({ ...red, acknowledged: true }, DEFAULT_ESCALATION_DELAYS, T)).toBeNull();
  });
});

describe('deviceOfAlertId', () => {
  it('reads the device back from an alert ID', () => {
    expect(deviceOfAlertId(alertId(subject, Date.parse('2026-05-01T00:00:00Z')))).toBe('G001');
    expect(deviceOfAlertId('not-an-alert-id')).toBeUndefined();
    expect(deviceOfAlertId('a~~b')).toBeUndefined();
  });
});
