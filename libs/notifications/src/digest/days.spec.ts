import {
  addDays,
  dueDigestDate,
  isDate,
  isTimeZone,
  localDate,
  localDateTime,
  localDay,
  localMidnight,
} from './days';

const SH = 'Asia/Shanghai';

describe('local days of the digest', () => {
  it('cuts Shanghai days at local midnight (16:00 UTC the day before)', () => {
    expect(localDay('2026-05-02', SH)).toEqual({
      date: '2026-05-02',
      timeZone: SH,
      from: Date.parse('2026-05-01T16:00:00Z'),
      to: Date.parse('2026-05-02T16:00:00Z'),
    });
    expect(localDate(Date.parse('2026-05-01T15:59:59.999Z'), SH)).toBe('2026-05-01');
    expect(localDate(Date.parse('2026-05-01T16:00:00Z'), SH)).toBe('2026-05-02');
  });

  it('shows an instant as the local date and time to the minute', () => {
    expect(localDateTime(Date.parse('2026-05-01T15:59:59.999Z'), SH)).toBe('2026-05-01 23:59');
    expect(localDateTime(Date.parse('2026-05-01T16:03:00Z'), SH)).toBe('2026-05-02 00:03');
    expect(localDateTime(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toBe('2026-03-29 03:30');
  });

  it('gives 23- and 25-hour days in a zone with daylight saving', () => {
    const spring = localDay('2026-03-29', 'Europe/Berlin');
    expect(spring.from).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(spring.to - spring.from).toBe(23 * 3_600_000);
    const autumn = localDay('2026-10-25', 'Europe/Berlin');
    expect(autumn.to - autumn.from).toBe(25 * 3_600_000);
    expect(localMidnight('2026-07-01', 'Europe/Berlin')).toBe(Date.parse('2026-06-30T22:00:00Z'));
  });

  it('checks dates and zones', () => {
    expect(isDate('2026-02-29')).toBe(false);
    expect(isDate('2028-02-29')).toBe(true);
    expect(isDate('2026-5-1')).toBe(false);
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });

  it('is due: yesterday from the hour on, the day before until then', () => {
    const at8 = 8 * 60;
    // 07:59 Shanghai on 05-02 is 23:59 UTC on 05-01.
    expect(dueDigestDate(Date.parse('2026-05-01T23:59:00Z'), SH, at8)).toBe('2026-04-30');
    expect(dueDigestDate(Date.parse('2026-05-02T00:00:00Z'), SH, at8)).toBe('2026-05-01');
    // A run delayed until just after midnight still sends the day before it was scheduled for.
    expect(dueDigestDate(Date.parse('2026-05-02T16:05:00Z'), SH, at8)).toBe('2026-05-01');
    expect(dueDigestDate(Date.parse('2026-05-03T00:00:00Z'), SH, at8)).toBe('2026-05-02');
  });
});
