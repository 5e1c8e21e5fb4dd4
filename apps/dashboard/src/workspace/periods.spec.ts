import { averages, countdown, localDate, localDayStart, periodRange, sortRows } from './periods';

describe('workspace periods and ranking', () => {
  const now = Date.parse('2026-05-02T01:30:00+08:00');

  it('cuts periods at local (Asia/Shanghai) midnights', () => {
    expect(localDayStart(now)).toBe(Date.parse('2026-05-02T00:00:00+08:00'));
    expect(periodRange('day', now)).toEqual({
      from: Date.parse('2026-05-01T00:00:00+08:00'),
      to: Date.parse('2026-05-02T00:00:00+08:00'),
    });
    expect(periodRange('week', now).from).toBe(Date.parse('2026-04-25T00:00:00+08:00'));
    expect(periodRange('month', now).from).toBe(Date.parse('2026-04-02T00:00:00+08:00'));
    expect(localDate(Date.parse('2026-05-01T17:00:00Z'))).toBe('2026-05-02');
  });

  const rows = [
    { company: 'C01', score: 90, rank: 2, points: { access: 5, drift: 10 } },
    { company: 'C02', score: 95, rank: 1, points: { access: 4, drift: 0 } },
    { company: 'C03', score: 60, rank: 3, points: { access: 5, drift: 5 } },
  ];

  it('sorts by score, rank, name or one item’s points', () => {
    expect(sortRows(rows, 'score', true).map((r) => r.company)).toEqual(['C02', 'C01', 'C03']);
    expect(sortRows(rows, 'rank', false).map((r) => r.company)).toEqual(['C02', 'C01', 'C03']);
    expect(sortRows(rows, 'points.drift', true).map((r) => r.company)).toEqual(['C01', 'C03', 'C02']);
    // Ties by company.
    expect(sortRows(rows, 'points.access', true).map((r) => r.company)).toEqual(['C01', 'C03', 'C02']);
    expect(sortRows(rows, 'name', true).map((r) => r.company)).toEqual(['C03', 'C02', 'C01']);
  });

  it('averages the points and the score over the district', () => {
    expect(averages(rows)).toEqual({ score: 81.67, points: { access: 4.67, drift: 5 } });
    expect(averages([])).toEqual({ score: 0, points: {} });
  });

  it('counts down to a deadline', () => {
    expect(countdown(10_000 + 599_000, 10_000)).toBe('09:59');
    expect(countdown(0, 10_000)).toBe('00:00');
  });
});
