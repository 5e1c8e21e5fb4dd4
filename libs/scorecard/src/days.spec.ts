import { dayLabel, dayStart, parseDay, splitByDay, wholeHours } from './days';

const t = (iso: string) => Date.parse(iso);

describe('local days (Asia/Shanghai)', () => {
  it('starts a day at local midnight, 16:00 UTC the day before', () => {
    expect(dayStart(t('2026-05-01T15:59:59.999Z'))).toBe(t('2026-04-30T16:00:00Z')); // 23:59:59 local, 1 May
    expect(dayStart(t('2026-05-01T16:00:00Z'))).toBe(t('2026-05-01T16:00:00Z')); // 00:00 local, 2 May
    expect(dayLabel(t('2026-04-30T16:00:00Z'))).toBe('2026-05-01');
  });

  it('parses calendar dates only', () => {
    expect(parseDay('2026-05-01')).toBe(t('2026-04-30T16:00:00Z'));
    expect(parseDay('2026-02-30')).toBeUndefined();
    expect(parseDay('2026-5-1')).toBeUndefined();
  });

  it('cuts a period at local midnights, marking whole days', () => {
    expect(splitByDay(t('2026-04-30T22:00:00Z'), t('2026-05-02T18:00:00Z'))).toEqual([
      { from: t('2026-04-30T22:00:00Z'), to: t('2026-05-01T16:00:00Z') },
      { from: t('2026-05-01T16:00:00Z'), to: t('2026-05-02T16:00:00Z'), day: t('2026-05-01T16:00:00Z') },
      { from: t('2026-05-02T16:00:00Z'), to: t('2026-05-02T18:00:00Z') },
    ]);
    expect(splitByDay(t('2026-04-30T16:00:00Z'), t('2026-05-01T16:00:00Z'))).toEqual([
      { from: t('2026-04-30T16:00:00Z'), to: t('2026-05-01T16:00:00Z'), day: t('2026-04-30T16:00:00Z') },
    ]);
  });
});

describe('wholeHours', () => {
  it('widens a period to whole hours, which are whole local hours too', () => {
    const nine = Date.parse('2026-05-01T09:00:00+08:00');
    expect(wholeHours(nine + 1, nine + 3 * 3_600_000 - 1)).toEqual({ from: nine, to: nine + 3 * 3_600_000 });
    expect(wholeHours(nine, nine + 3_600_000)).toEqual({ from: nine, to: nine + 3_600_000 });
    const midnight = dayStart(nine);
    expect(wholeHours(midnight + 59 * 60_000, midnight + 86_400_000)).toEqual({
      from: midnight,
      to: midnight + 86_400_000,
    });
  });
});
