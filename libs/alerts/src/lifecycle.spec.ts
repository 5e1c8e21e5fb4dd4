import type { Escalation } from '@lg/contracts';
import { acknowledge, applySignal, type RuleSignal } from './lifecycle';

const subject = { rule: 'gas.lel', kind: 'gas' as const, owner: 'P01', device: 'G001' };
const esc = (since: string): Escalation => ({ level: 'grid', unit: 'GR-1', since, notify: [] });
const fire = (severity: 'orange' | 'red', value: number): RuleSignal => ({
  type: 'fire',
  severity,
  value,
  threshold: severity === 'red' ? 50 : 25,
  message: 'gas',
});
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
});
