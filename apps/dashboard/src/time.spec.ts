import { formatAge, formatDateTime, formatTick, formatTime } from './time';

describe('dashboard times', () => {
  it('shows instants in Asia/Shanghai (UTC+8, no daylight saving)', () => {
    expect(formatDateTime('2026-05-01T16:30:05Z')).toBe('2026-05-02 00:30:05');
    expect(formatDateTime(Date.parse('2026-01-15T00:00:00Z'))).toBe('2026-01-15 08:00:00');
    expect(formatTime('2026-07-01T03:04:05.678Z')).toBe('11:04:05');
    expect(formatDateTime('not a time')).toBe('');
  });

  it('labels chart ticks with the date only over spans longer than a day', () => {
    const ms = Date.parse('2026-05-01T16:30:00Z');
    expect(formatTick(ms, 3_600_000)).toBe('00:30');
    expect(formatTick(ms, 7 * 86_400_000)).toBe('05-02 00:30');
  });

  it('says how long ago in the current language (Chinese by default)', () => {
    const now = Date.parse('2026-05-01T08:00:00Z');
    expect(formatAge(now - 2000, now)).toBe('刚刚');
    expect(formatAge(now - 42_000, now)).toBe('42 秒前');
    expect(formatAge('2026-05-01T07:57:00Z', now)).toBe('3 分钟前');
    expect(formatAge(now - 5 * 3_600_000, now)).toBe('5 小时前');
    expect(formatAge(now - 3 * 86_400_000, now)).toBe('3 天前');
  });
});
