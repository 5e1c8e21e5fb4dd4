import type { Alert } from '@lg/contracts';
import { alarmLoad } from './alarm-load';

const F = Date.parse('2026-05-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

function alert(device: string, openedMs: number, o: Partial<Alert> = {}): Alert {
  return {
    id: `r~${device}~${openedMs}`,
    rule: 'truck.offline',
    severity: 'yellow',
    active: true,
    acknowledged: false,
    kind: 'truck',
    owner: 'C01',
    device,
    message: '',
    value: null,
    threshold: null,
    openedAt: iso(openedMs),
    updatedAt: iso(openedMs),
    count: 1,
    escalation: { level: 'company', since: iso(openedMs), notify: [] },
    ...o,
  };
}

describe('alarm load', () => {
  it('leaves out alerts held under a cause: no operator saw them; the cause is one alarm', () => {
    const held = Array.from({ length: 40 }, (_, i) =>
      alert(`T${i}`, F + 12 * MIN + i * 1000, { inhibitedBy: 'link:C01' }),
    );
    const cause = alert('C01', F + 11 * MIN, {
      rule: 'platform.link_down',
      severity: 'orange',
      cause: 'link:C01',
    });
    const load = alarmLoad({
      opened: [cause, ...held],
      open: [],
      from: F,
      to: F + 60 * MIN,
      operators: 1,
      now: F + 60 * MIN,
    });
    expect(load.alarms).toBe(1);
    expect(load.floods).toEqual([]);
  });

  it('finds a flood: 50 alarms in one 10-minute interval for one operator, and rates the hour', () => {
    const opened = Array.from({ length: 50 }, (_, i) => alert(`T${i}`, F + 12 * MIN + i * 1000));
    const load = alarmLoad({ opened, open: [], from: F, to: F + 60 * MIN, operators: 1, now: F + 60 * MIN });
    expect(load.alarms).toBe(50);
    expect(load.perOperatorHour).toBe(50);
    expect(load.rating).toBe('overloaded');
    expect(load.per10Min.map((b) => b.alarms)).toEqual([0, 50, 0, 0, 0, 0]);
    expect(load.floods).toEqual([{ start: iso(F + 10 * MIN), end: iso(F + 20 * MIN), alarms: 50 }]);
    expect(load.floodShare).toBeCloseTo(1 / 6);
    expect(load.peak10Min).toBe(50);
  });

  it('shares the load between operators: 15 in 10 minutes is a flood for one, not for two', () => {
    const opened = Array.from({ length: 15 }, (_, i) => alert(`T${i}`, F + i * 1000));
    expect(
      alarmLoad({ opened, open: [], from: F, to: F + 60 * MIN, operators: 1, now: F }).floods,
    ).toHaveLength(1);
    const two = alarmLoad({ opened, open: [], from: F, to: F + 60 * MIN, operators: 2, now: F });
    expect(two.floods).toEqual([]);
    expect(two.perOperatorHour).toBe(7.5);
    expect(two.rating).toBe('manageable');
  });

  it('merges flooded intervals in a row into one flood', () => {
    const opened = [
      ...Array.from({ length: 11 }, (_, i) => alert(`A${i}`, F + i * 1000)),
      ...Array.from({ length: 12 }, (_, i) => alert(`B${i}`, F + 10 * MIN + i * 1000)),
    ];
    const load = alarmLoad({ opened, open: [], from: F, to: F + 30 * MIN, operators: 1, now: F });
    expect(load.floods).toEqual([{ start: iso(F), end: iso(F + 20 * MIN), alarms: 23 }]);
  });

  it('counts reopenings, names the chattering device and rule, and the standing alarms', () => {
    const chatter = alert('G001', F, { rule: 'gas.lel', count: 9, kind: 'gas', owner: 'P01' });
    const quiet = alert('T1', F + MIN);
    const old = alert('SL1', F - 30 * 3_600_000, { rule: 'slope.displacement' });
    const load = alarmLoad({
      opened: [chatter, quiet, old],
      open: [old, quiet],
      from: F,
      to: F + 60 * MIN,
      operators: 1,
      now: F + 60 * MIN,
    });
    expect(load.alarms).toBe(10);
    expect(load.topRules[0]).toEqual({ rule: 'gas.lel', alarms: 9, share: 0.9 });
    expect(load.topDevices[0]).toMatchObject({ device: 'G001', rule: 'gas.lel', alarms: 9 });
    expect(load.standingCount).toBe(1);
    expect(load.standing[0]).toMatchObject({ device: 'SL1', hours: 31 });
  });

  it('measures the time to acknowledge per severity', () => {
    const opened = [10, 20, 30, 40].map((s, i) =>
      alert(`T${i}`, F, { severity: 'orange', acknowledged: true, ackedAt: iso(F + s * 1000) }),
    );
    const load = alarmLoad({ opened, open: [], from: F, to: F + 60 * MIN, operators: 1, now: F });
    expect(load.timeToAck.orange).toEqual({ acknowledged: 4, medianSec: 20, p90Sec: 40 });
    expect(load.timeToAck.red).toEqual({ acknowledged: 0, medianSec: null, p90Sec: null });
  });
});
