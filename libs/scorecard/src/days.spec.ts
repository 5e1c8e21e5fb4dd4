import { dayLabel, dayStart, parseDay, splitByDay } from './days';

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
