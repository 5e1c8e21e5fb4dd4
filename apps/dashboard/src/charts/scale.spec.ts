import { extent, linear, niceTicks, ratePerDay, timeTicks } from './scale';

describe('chart scales', () => {
  it('makes round value ticks', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.3, 2.9, 5)).toEqual([0.5, 1, 1.5, 2, 2.5]);
    expect(niceTicks(12, 12)).toEqual([11, 11.5, 12, 12.5, 13]);
    expect(niceTicks(NaN, 1)).toEqual([]);
  });

  it('pads extents, keeps non-negative data at zero and includes thresholds', () => {
    expect(extent([2, 10], [50])).toEqual([0, 52.4]);
    expect(extent([], [])).toEqual([0, 1]);
    expect(extent([5, 5])).toEqual([4, 6]);
  });

  it('puts time ticks on round Asia/Shanghai times', () => {
    const from = Date.parse('2026-05-01T00:07:00Z'); // 08:07 in Shanghai
    const ticks = timeTicks(from, from + 6 * 3_600_000, 6);
    expect(ticks.map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '01:00',
      '02:00',
      '03:00',
      '04:00',
      '05:00',
      '06:00',
    ]);
    const day = timeTicks(Date.parse('2026-05-01T00:00:00Z'), Date.parse('2026-05-04T00:00:00Z'), 4);
    // midnight in Shanghai is 16:00 UTC
    expect(day.map((t) => new Date(t).toISOString())).toEqual([
      '2026-05-01T16:00:00.000Z',
      '2026-05-02T16:00:00.000Z',
      '2026-05-03T16:00:00.000Z',
    ]);
    expect(timeTicks(10, 5)).toEqual([]);
  });

  it('maps linearly and turns cumulative displacement into mm/day', () => {
    expect(linear(0, 10, 100, 200)(5)).toBe(150);
    const h = 3_600_000;
    const series: Array<[number, number]> = Array.from({ length: 13 }, (_, i) => [i * h, i * 0.5]);
    const rate = ratePerDay(series, 6 * h);
    expect(rate[0][1]).toBeCloseTo(12, 6); // 0.5 mm/h
    expect(rate.at(-1)![1]).toBeCloseTo(12, 6);
  });
});
