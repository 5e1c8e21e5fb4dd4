import type { DutyCheckStatus, DutyCheckView, DutyQuestion } from '@lg/contracts';

/** A duty check as kept (times in epoch ms). Never changed once asked; its answer is kept apart. */
export interface DutyCheckRecord {
  id: string;
  company: string;
  question: string;
  /** The code the question names; the answer must carry it. */
  code: string;
  askedAt: number;
  deadline: number;
  /** `schedule` or the operator's user name. */
  askedBy: string;
}

export interface DutyAnswerRecord {
  at: number;
  by: string;
  via: 'mqtt' | 'dashboard';
}

/** An answer later than this after the question is refused (the check stays `missed`). */
export const LATE_ANSWER_WINDOW_MS = 24 * 3600_000;

/** The check's state at `now`. */
export function statusOf(
  check: DutyCheckRecord,
  answer: DutyAnswerRecord | undefined,
  now: number,
): DutyCheckStatus {
  if (answer) return answer.at <= check.deadline ? 'in_time' : 'late';
  return now > check.deadline ? 'missed' : 'pending';
}

/** The question a company's platform is sent (the check's public part, times as ISO-8601 UTC). */
export function questionOf(check: DutyCheckRecord): DutyQuestion {
  return {
    id: check.id,
    company: check.company,
    question: check.question,
    askedAt: new Date(check.askedAt).toISOString(),
    deadline: new Date(check.deadline).toISOString(),
  };
}

export function viewOf(
  check: DutyCheckRecord,
  answer: DutyAnswerRecord | undefined,
  now: number,
): DutyCheckView {
  const view: DutyCheckView = {
    ...questionOf(check),
    askedBy: check.askedBy,
    status: statusOf(check, answer, now),
  };
  if (answer) {
    view.answeredAt = new Date(answer.at).toISOString();
    view.answeredBy = answer.by;
    view.via = answer.via;
    view.responseMs = answer.at - check.askedAt;
  }
  return view;
}

/** A company's checks over a period. `decided`: no longer pending (answered, or deadline passed). */
export interface DutyTally {
  asked: number;
  decided: number;
  inTime: number;
  late: number;
  missed: number;
}

export function emptyTally(): DutyTally {
  return { asked: 0, decided: 0, inTime: 0, late: 0, missed: 0 };
}

export function addToTally(t: DutyTally, status: DutyCheckStatus): void {
  t.asked++;
  if (status !== 'pending') t.decided++;
  if (status === 'in_time') t.inTime++;
  else if (status === 'late') t.late++;
  else if (status === 'missed') t.missed++;
}

/**
 * The 160号 duty-check response rate: checks answered in time ÷ checks asked, counting only checks whose
 * outcome is known (a check still within its deadline counts neither way). Undefined when none is.
 */
export function responseRate(t: DutyTally): number | undefined {
  return t.decided > 0 ? t.inTime / t.decided : undefined;
}

/** Why an answer is refused, or undefined when it is taken. */
export function answerProblem(
  check: DutyCheckRecord,
  answer: { code: string; at: number },
): string | undefined {
  if (answer.at > check.askedAt + LATE_ANSWER_WINDOW_MS)
    return `duty check ${check.id} was asked more than 24 h ago and can no longer be answered`;
  if (answer.code.trim() !== check.code)
    return `the code does not match the one duty check ${check.id} asked for`;
  return undefined;
}

/** The question: a code a person must read and send back, in Chinese and English. */
export function questionText(code: string): string {
  return `平台查岗：请值班人员在时限内回复口令 ${code}。Duty check: the person on duty replies with the code ${code}.`;
}

/** A four-digit code from a random number in [0, 1). */
export function codeFrom(random: number): string {
  return String(Math.floor(random * 10_000)).padStart(4, '0');
}

/** Asia/Shanghai has no daylight saving: local midnight is a fixed 8 h before UTC's. */
const LOCAL_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** The start (epoch ms) of the local day (Asia/Shanghai) containing `ts`. */
export function localDayStart(ts: number): number {
  return Math.floor((ts + LOCAL_OFFSET_MS) / DAY_MS) * DAY_MS - LOCAL_OFFSET_MS;
}

/**
 * The random times of one local day's checks: `perDay` per company, uniformly within working hours
 * [fromHour, toHour), sorted. `random` gives numbers in [0, 1).
 */
export function planDay(
  dayStart: number,
  companies: readonly string[],
  o: { perDay: number; fromHour: number; toHour: number },
  random: () => number,
): Array<{ company: string; at: number; n: number }> {
  const start = dayStart + o.fromHour * 3600_000;
  const span = (o.toHour - o.fromHour) * 3600_000;
  const out: Array<{ company: string; at: number; n: number }> = [];
  for (const company of companies) {
    const times = Array.from({ length: o.perDay }, () => start + Math.floor(random() * span)).sort(
      (a, b) => a - b,
    );
    times.forEach((at, n) => out.push({ company, at, n }));
  }
  return out;
}
