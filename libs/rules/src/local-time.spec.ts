import { inAnyWindow, inDailyWindow, localDay, localMinuteOfDay, parseHhmm } from './local-time';

const local = (iso: string): number => Date.parse(`${iso}+08:00`);

describe('local time (Asia/Shanghai)', () => {
  it('reads the local time of day and day, whatever the host zone', () => {
    expect(localMinuteOfDay(Date.parse('2026-05-01T14:00:00Z'))).toBe(22 * 60);
    expect(localMinuteOfDay(local('2026-05-01T00:00:00'))).toBe(0);
    expect(localDay(local('2026-05-01T23:59:59'))).toBe(localDay(local('2026-05-01T00:00:00')));
    expect(localDay(local('2026-05-02T00:00:00'))).toBe(localDay(local('2026-05-01T00:00:00')) + 1);
  });

  it('parses HH:MM and refuses anything else', () => {
    expect(parseHhmm('06:30')).toBe(390);
    expect(() => parseHhmm('24:00')).toThrow(RangeError);
  });

  it('treats from as inclusive and to as exclusive', () => {
    expect(inDailyWindow(local('2026-05-01T07:00:00'), '07:00', '08:30')).toBe(true);
    expect(inDailyWindow(local('2026-05-01T08:29:59'), '07:00', '08:30')).toBe(true);
    expect(inDailyWindow(local('2026-05-01T08:30:00'), '07:00', '08:30')).toBe(false);
  });

  it('wraps windows past midnight', () => {
    const night = (t: string) => inDailyWindow(local(`2026-05-01T${t}`), '22:00', '06:00');
    expect(night('21:59:59')).toBe(false);
    expect(night('22:00:00')).toBe(true);
    expect(night('23:59:59')).toBe(true);
    expect(night('00:00:00')).toBe(true);
    expect(night('05:59:59')).toBe(true);
    expect(night('06:00:00')).toBe(false);
    expect(night('12:00:00')).toBe(false);
  });

  it('takes equal ends as the whole day and no windows as always', () => {
    expect(inDailyWindow(local('2026-05-01T13:00:00'), '00:00', '00:00')).toBe(true);
    expect(inAnyWindow(local('2026-05-01T13:00:00'), undefined)).toBe(true);
    expect(inAnyWindow(local('2026-05-01T13:00:00'), [])).toBe(true);
    expect(
      inAnyWindow(local('2026-05-01T13:00:00'), [
        { from: '00:00', to: '06:00' },
        { from: '12:00', to: '14:00' },
      ]),
    ).toBe(true);
  });
});
