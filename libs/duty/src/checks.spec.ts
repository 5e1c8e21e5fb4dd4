import {
  addToTally,
  answerProblem,
  codeFrom,
  emptyTally,
  localDayStart,
  planDay,
  questionText,
  responseRate,
  statusOf,
  viewOf,
  type DutyCheckRecord,
} from './checks';
import { parseDutySettings } from './settings';

const check: DutyCheckRecord = {
  id: 'dc-abc123',
  company: 'C01',
  question: questionText('0427'),
  code: '0427',
  askedAt: 1_000_000,
  deadline: 1_600_000,
  askedBy: 'schedule',
};

describe('duty checks', () => {
  it('is pending until its deadline, then missed; answered by it in time, after it late', () => {
    expect(statusOf(check, undefined, 1_600_000)).toBe('pending');
    expect(statusOf(check, undefined, 1_600_001)).toBe('missed');
    expect(statusOf(check, { at: 1_600_000, by: '张三', via: 'mqtt' }, 9e9)).toBe('in_time');
    expect(statusOf(check, { at: 1_600_001, by: '张三', via: 'mqtt' }, 9e9)).toBe('late');
  });

  it('shows who answered, how and how fast, and never the code apart from the question', () => {
    const v = viewOf(check, { at: 1_090_000, by: '张三', via: 'dashboard' }, 2_000_000);
    expect(v).toMatchObject({ status: 'in_time', answeredBy: '张三', via: 'dashboard', responseMs: 90_000 });
    expect(v).not.toHaveProperty('code');
    expect(v.question).toContain('0427');
  });

  it('takes the right code within 24 h only', () => {
    expect(answerProblem(check, { code: ' 0427 ', at: 2_000_000 })).toBeUndefined();
    expect(answerProblem(check, { code: '0428', at: 2_000_000 })).toMatch(/code does not match/);
    expect(answerProblem(check, { code: '0427', at: 1_000_000 + 86_400_001 })).toMatch(/more than 24 h/);
  });

  it('rates answers in time over the checks decided; pending ones count neither way', () => {
    const t = emptyTally();
    for (const s of ['in_time', 'in_time', 'late', 'missed', 'pending'] as const) addToTally(t, s);
    expect(t).toEqual({ asked: 5, decided: 4, inTime: 2, late: 1, missed: 1 });
    expect(responseRate(t)).toBe(0.5);
    const none = emptyTally();
    addToTally(none, 'pending');
    expect(responseRate(none)).toBeUndefined();
  });

  it('plans each company’s checks at random within the local working hours of the day', () => {
    const day = localDayStart(Date.parse('2026-05-01T12:00:00+08:00'));
    expect(day).toBe(Date.parse('2026-05-01T00:00:00+08:00'));
    expect(localDayStart(Date.parse('2026-05-01T23:59:59+08:00'))).toBe(day);
    let i = 0;
    const values = [0, 0.5, 0.999999];
    const plan = planDay(day, ['C01', 'C02'], { perDay: 3, fromHour: 8, toHour: 20 }, () => values[i++ % 3]);
    expect(plan).toHaveLength(6);
    const c01 = plan.filter((p) => p.company === 'C01').map((p) => new Date(p.at).toISOString());
    expect(c01).toEqual(['2026-05-01T00:00:00.000Z', '2026-05-01T06:00:00.000Z', '2026-05-01T11:59:59.956Z']);
    expect(planDay(day, ['C01'], { perDay: 0, fromHour: 8, toHour: 20 }, Math.random)).toEqual([]);
  });

  it('makes four-digit codes', () => {
    expect(codeFrom(0)).toBe('0000');
    expect(codeFrom(0.0427)).toBe('0427');
    expect(codeFrom(0.99999)).toBe('9999');
  });

  it('validates the settings, naming a bad key', () => {
    expect(parseDutySettings({})).toEqual({ perDay: 3, deadlineSec: 600, fromHour: 8, toHour: 20 });
    expect(() => parseDutySettings({ perDay: 30 })).toThrow(/perDay/);
    expect(() => parseDutySettings({ fromHour: 20, toHour: 8 })).toThrow(/toHour: must be after fromHour/);
    expect(() => parseDutySettings({ deadline: 5 })).toThrow(/unknown key deadline/);
  });
});
