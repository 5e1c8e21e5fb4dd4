import { fatigueTimes, overspeedCounts, type AlertEventRow } from './alert-tallies';

const at = (hhmm: string, day = '2026-05-01') => Date.parse(`${day}T${hhmm}:00Z`);
const FROM = at('00:00');
const TO = at('00:00', '2026-05-02');

const row = (
  time: number,
  alert: string,
  device: string,
  rule: string,
  type: string,
  severity: AlertEventRow['severity'],
  active: boolean,
): AlertEventRow => ({ time, alert, device, rule, type, severity, active });

describe('overspeed counts', () => {
  const rows = [
    row(at('23:59', '2026-04-30'), 'o0', 'T001', 'truck.overspeed', 'opened', 'yellow', true), // before the period
    row(at('01:00'), 'o1', 'T001', 'truck.overspeed', 'opened', 'yellow', true),
    row(at('01:01'), 'o1', 'T001', 'truck.overspeed', 'raised', 'orange', true),
    row(at('01:02'), 'o1', 'T001', 'truck.overspeed', 'cleared', 'orange', false),
    row(at('01:10'), 'o1', 'T001', 'truck.overspeed', 'reopened', 'yellow', true),
    row(at('01:12'), 'o1', 'T001', 'truck.overspeed', 'acknowledged', 'yellow', true),
    row(at('05:00'), 'o2', 'T002', 'truck.overspeed', 'opened', 'red', true),
    row(at('06:00'), 'f1', 'T002', 'truck.fatigue', 'opened', 'orange', true), // another rule
  ];

  it('counts opened and reopened transitions of the rule in the period', () => {
    expect(overspeedCounts(rows, 'truck.overspeed', FROM, TO)).toEqual(
      new Map([
        ['T001', 2],
        ['T002', 1],
      ]),
    );
  });
});

describe('fatigue time', () => {
  const rows = [
    // T001: early warning (blue) at 02:00, over the limit (orange) 02:15–02:35, lowered, cleared 02:45.
    row(at('02:00'), 'f1', 'T001', 'truck.fatigue', 'opened', 'blue', true),
    row(at('02:15'), 'f1', 'T001', 'truck.fatigue', 'raised', 'orange', true),
    row(at('02:35'), 'f1', 'T001', 'truck.fatigue', 'lowered', 'blue', true),
    row(at('02:45'), 'f1', 'T001', 'truck.fatigue', 'cleared', 'blue', false),
    // T002: orange from 23:00 the day before (read with the look-back) until 00:30.
    row(at('23:00', '2026-04-30'), 'f2', 'T002', 'truck.fatigue', 'opened', 'orange', true),
    row(at('00:30'), 'f2', 'T002', 'truck.fatigue', 'cleared', 'orange', false),
    // T002 again: red from 23:30, still active at the period's end.
    row(at('23:30'), 'f3', 'T002', 'truck.fatigue', 'opened', 'red', true),
    // An acknowledgement of a cleared alert does not make it active.
    row(at('03:00'), 'f1', 'T001', 'truck.fatigue', 'acknowledged', 'blue', false),
  ];

  it('adds up the time active at orange or above, clipped to the period', () => {
    const times = fatigueTimes(rows, 'truck.fatigue', 'orange', FROM, TO);
    expect(times.get('T001')).toBe(20 * 60_000);
    expect(times.get('T002')).toBe(60 * 60_000); // 00:00–00:30 and 23:30–24:00
  });

  it('counts the warning too when the minimum severity is blue, and stops at `until`', () => {
    expect(fatigueTimes(rows, 'truck.fatigue', 'blue', FROM, TO).get('T001')).toBe(45 * 60_000);
    expect(fatigueTimes(rows, 'truck.fatigue', 'orange', FROM, at('23:40')).get('T002')).toBe(40 * 60_000);
  });
});
