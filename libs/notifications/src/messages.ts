import type { Alert, AlertTransitionType, Severity } from '@lg/contracts';
import type { Message } from './routing';

const SEVERITY_ZH: Record<Severity, string> = { red: '红色', orange: '橙色', yellow: '黄色', blue: '蓝色' };
const TRANSITION_ZH: Partial<Record<AlertTransitionType, string>> = {
  opened: '新告警',
  raised: '告警升级',
  reopened: '告警复发',
  escalated: '未处置上报',
  released: '抑制解除告警',
};

/** What a message says, per channel: SMS is short, e-mail carries details, the webhook a text and data. */
export interface RenderedMessage {
  subject: string;
  /** SMS text (one or two segments). */
  sms: string;
  /** E-mail and webhook text. */
  text: string;
  /** E-mail: a composed HTML body; without it the text is shown as HTML. */
  html?: string;
  /** The acknowledgement link, on a message about one alert. */
  ackUrl?: string;
}

/** `2026-05-01 10:03:04（北京时间）`: the people on duty read local time (UTC+8, no daylight saving). */
export function shanghaiTime(iso: string): string {
  const local = new Date(Date.parse(iso) + 8 * 3_600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}（北京时间）`;
}

function line(a: Alert): string {
  return `[${SEVERITY_ZH[a.severity]}] ${a.device} ${a.message}`;
}

/**
 * Renders a message in Chinese, the language of the people on duty. `ackUrl` comes from the caller (it
 * signs it); a grouped message has none: the alerts are taken on the dashboard.
 */
export function renderMessage(m: Message, ackUrl: string | undefined): RenderedMessage {
  const first = m.items[0];
  const who = `${m.recipient.contact.name}${m.recipient.contact.role ? `（${m.recipient.contact.role}）` : ''}`;
  if (m.items.length === 1) {
    const a = first.alert;
    const kind = TRANSITION_ZH[first.transition.type] ?? first.transition.type;
    const subject = `【龙岗应急】${kind} ${SEVERITY_ZH[a.severity]} ${a.device}`;
    const when = shanghaiTime(first.transition.at);
    const ack = ackUrl ? ` 确认：${ackUrl}` : '';
    return {
      subject,
      sms: `【龙岗应急】${kind}${line(a)}，${when}。${ack}`.slice(0, 300),
      text: [
        `${who}：`,
        `${kind}：${line(a)}`,
        `规则 ${a.rule}，数值 ${String(a.value)}，阈值 ${String(a.threshold)}`,
        `时间 ${when}，当前层级 ${a.escalation.level}${a.escalation.unit ? ` ${a.escalation.unit}` : ''}`,
        ...(a.actions ?? []).map((x) => `处置：${x.description}`),
        ...(ackUrl ? [`收到并处置请确认（仅限本人）：${ackUrl}`] : []),
        `告警编号 ${a.id}`,
      ].join('\n'),
      ...(ackUrl ? { ackUrl } : {}),
    };
  }
  const counts = new Map<Severity, number>();
  for (const i of m.items) counts.set(i.alert.severity, (counts.get(i.alert.severity) ?? 0) + 1);
  const tally = [...counts].map(([s, n]) => `${SEVERITY_ZH[s]}${n}条`).join('，');
  // Members of one incident are told of as the incident (its ID is what the dashboard shows).
  const what = m.incident
    ? `事件 ${m.incident} 共${m.items.length}条告警（${tally}）`
    : `同时出现${m.items.length}条告警（${tally}）`;
  const subject = m.incident
    ? `【龙岗应急】事件：${m.items.length}条告警（${tally}）`
    : `【龙岗应急】${m.items.length}条告警（${tally}）`;
  const shown = m.items.slice(0, 20).map((i) => line(i.alert));
  return {
    subject,
    sms: `【龙岗应急】${what}，首条：${line(first.alert)}。请登录指挥平台处置。`.slice(0, 300),
    text: [
      `${who}：`,
      `${what}：`,
      ...shown,
      ...(m.items.length > shown.length ? [`……另有${m.items.length - shown.length}条`] : []),
      '请登录指挥平台查看并确认。',
    ].join('\n'),
  };
}
