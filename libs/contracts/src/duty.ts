/**
 * Duty checks (平台查岗, JT/T 809 0x9301/0x1301): the platform asks a transport company's platform a
 * question, and a person on duty must answer it within a deadline.
 *
 * MQTT, contract v1:
 * - question, platform → company: `{root}/_duty/{companyId}/question`, QoS 1, a `DutyQuestion`;
 * - answer, company → platform: `{root}/_duty/{companyId}/{checkId}/answer`, a `DutyAnswerBody`;
 * - outcome of each answer, platform → company: `{root}/_duty/{companyId}/result`, a `DutyAnswerResult`.
 */

/** Check IDs: `dc-` and base-36 characters. */
export const DUTY_CHECK_ID_PATTERN = /^dc-[a-z0-9]{6,40}$/;
/** Largest answer payload read, bytes; anything longer is refused unread. */
export const MAX_DUTY_ANSWER_BYTES = 4096;

export interface DutyQuestion {
  id: string;
  company: string;
  /** The question in Chinese and English; it names the code to answer with. */
  question: string;
  /** When it was asked and by when it must be answered, ISO-8601 UTC. */
  askedAt: string;
  deadline: string;
}

/** What a company sends: the code the question names, and who answers (a person on duty). */
export interface DutyAnswerBody {
  code: string;
  by: string;
}

export interface DutyAnswerResult {
  id: string;
  ok: boolean;
  /** With ok: `in_time` or `late`. */
  status?: DutyCheckStatus;
  message: string;
}

export const DUTY_CHECK_STATUSES = ['pending', 'in_time', 'late', 'missed'] as const;
/**
 * `pending`: asked, not answered, deadline not passed; `in_time`: answered by the deadline; `late`:
 * answered after it; `missed`: deadline passed without an answer (a late answer turns it into `late`).
 */
export type DutyCheckStatus = (typeof DUTY_CHECK_STATUSES)[number];

/** One company's duty checks over a period (`GET /api/duty-checks/summary`), as the scorecard counts them. */
export interface DutyTallyView {
  company: string;
  asked: number;
  /** Answered (in time or late) or past the deadline unanswered. */
  decided: number;
  inTime: number;
  late: number;
  missed: number;
  /** In-time answers ÷ decided checks; null when no check was decided. */
  rate: number | null;
}

/** A duty check as the API and `/live` (`duty-check`) show it. */
export interface DutyCheckView {
  id: string;
  company: string;
  question: string;
  askedAt: string;
  deadline: string;
  /** `schedule` (random in working hours) or the operator's user name. */
  askedBy: string;
  status: DutyCheckStatus;
  answeredAt?: string;
  answeredBy?: string;
  /** `mqtt` (the company's platform) or `dashboard`. */
  via?: 'mqtt' | 'dashboard';
  /** Answer time − asking time, ms. */
  responseMs?: number;
}

export function dutyQuestionTopic(root: string, company: string): string {
  return `${root}/_duty/${company}/question`;
}

export function dutyResultTopic(root: string, company: string): string {
  return `${root}/_duty/${company}/result`;
}

export function dutyAnswerTopic(root: string, company: string, id: string): string {
  return `${root}/_duty/${company}/${id}/answer`;
}

/** Is this topic under the duty-check branch (`{root}/_duty/...`)? */
export function isDutyTopic(root: string, topic: string): boolean {
  return topic.startsWith(`${root}/_duty/`);
}

/** `{root}/_duty/{company}/{id}/answer` → its parts, or undefined for any other shape. */
export function parseDutyAnswerTopic(
  root: string,
  topic: string,
): { company: string; id: string } | undefined {
  if (!isDutyTopic(root, topic)) return undefined;
  const parts = topic.slice(root.length + '/_duty/'.length).split('/');
  if (parts.length !== 3 || parts[2] !== 'answer') return undefined;
  const [company, id] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(company) || !DUTY_CHECK_ID_PATTERN.test(id)) return undefined;
  return { company, id };
}

/**
 * A message to a truck's driver from the command centre (e.g. from a `truck.near_hazard` alert), sent to
 * the truck's company platform on `{root}/_driver/{companyId}/message` (QoS 1), for the platform to pass
 * on to its terminal; the JT/T 808 gateway sends it straight to terminals connected to it as well.
 */
export interface DriverMessage {
  id: string;
  company: string;
  device: string;
  plate?: string;
  /** The alert it answers, and its rule. */
  alert?: string;
  rule?: string;
  /** At most 400 characters (what a JT/T 808 text message carries). */
  text: string;
  /** The operator who sent it. */
  by: string;
  /** ISO-8601 UTC. */
  sentAt: string;
}

export function driverMessageTopic(root: string, company: string): string {
  return `${root}/_driver/${company}/message`;
}
