import { SEVERITIES_WORST_FIRST, type EscalationLevel, type Severity } from '@lg/contracts';
import type { RenderedMessage } from '../messages';
import { localDateTime } from './days';
import type { Digest, DigestAlert } from './digest';

const SEV: Record<Severity, [string, string]> = {
  red: ['红色', 'red'],
  orange: ['橙色', 'orange'],
  yellow: ['黄色', 'yellow'],
  blue: ['蓝色', 'blue'],
};
const SEV_COLOUR: Record<Severity, string> = {
  red: '#d32f2f',
  orange: '#ef6c00',
  yellow: '#f9a825',
  blue: '#1565c0',
};
const LEVEL: Record<EscalationLevel, [string, string]> = {
  company: ['企业', 'company'],
  grid: ['网格', 'grid'],
  community: ['社区', 'community'],
  street: ['街道', 'street'],
  district: ['区', 'district'],
};
/** Rule names as the dashboard shows them; a rule not listed is shown by its ID. */
const RULE: Record<string, [string, string]> = {
  'truck.overspeed': ['超速', 'Overspeed'],
  'truck.restricted_zone': ['闯入禁行区', 'Restricted zone'],
  'truck.fatigue': ['疲劳驾驶', 'Fatigue driving'],
  'truck.offline': ['车辆离线', 'Truck offline'],
  'truck.moved_offline': ['离线位移', 'Moved while offline'],
  'truck.sos': ['紧急报警', 'SOS'],
  'truck.near_hazard': ['靠近危险区域', 'Near a hazard'],
  'slope.displacement': ['边坡位移', 'Slope displacement'],
  'gas.lel': ['可燃气体浓度', 'Combustible gas'],
  'device.fault': ['设备故障', 'Device fault'],
  'device.offline': ['设备离线', 'Device offline'],
};

function rule(id: string): [string, string] {
  return RULE[id] ?? [id, id];
}

/** `1 h 05 min`, `42 s`: durations as people on duty read them. */
export function duration(sec: number | null): [string, string] {
  if (sec === null) return ['—', '—'];
  if (sec < 60) return [`${sec}秒`, `${sec} s`];
  const min = Math.round(sec / 60);
  if (min < 60) return [`${min}分钟`, `${min} min`];
  const h = Math.floor(min / 60);
  const m = min % 60;
  return [`${h}小时${m ? `${m}分` : ''}`, `${h} h${m ? ` ${String(m).padStart(2, '0')} min` : ''}`];
}

/** `2026-05-01 10:03` in the digest's zone. */
function localTime(iso: string, timeZone: string): string {
  return localDateTime(Date.parse(iso), timeZone);
}

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function tally(counts: Record<Severity, number>): [string, string] {
  const shown = SEVERITIES_WORST_FIRST.filter((s) => counts[s] > 0);
  if (shown.length === 0) return ['无', 'none'];
  return [
    shown.map((s) => `${SEV[s][0]}${counts[s]}条`).join('，'),
    shown.map((s) => `${counts[s]} ${SEV[s][1]}`).join(', '),
  ];
}

function alertLine(a: DigestAlert, timeZone: string, open: boolean): string {
  const [zhRule, enRule] = rule(a.rule);
  const state = a.acknowledged
    ? `已确认 acknowledged${a.ackSec !== null ? ` (${duration(a.ackSec)[1]})` : ''}`
    : '未确认 unacknowledged';
  const age = open && a.ageHours !== undefined ? `，已持续 ${a.ageHours} h` : '';
  return (
    `[${SEV[a.severity][0]} ${SEV[a.severity][1]}] ${a.device} ${zhRule} / ${enRule}：${a.message}` +
    `（${localTime(a.openedAt, timeZone)}${a.count > 1 ? `，${a.count}次 firings` : ''}，` +
    `${LEVEL[a.level][0]} ${LEVEL[a.level][1]}，${state}${age}）`
  );
}

/**
 * A digest as a message: a subject, plain text (zh-CN with English alongside) for e-mail and webhooks, an
 * HTML mail with the same figures, and a short SMS line (digests are not sent by SMS; kept for the shape).
 */
export function renderDigest(d: Digest, link: string | undefined): RenderedMessage & { html: string } {
  const who = d.scope.kind === 'company' ? ['企业', 'company'] : ['街道', 'street'];
  const subject = `【龙岗应急】${d.scope.name} ${d.date} 日报 · Daily digest`;
  const [zhTally, enTally] = tally(d.alerts.bySeverity);
  const open = d.open;
  const h = d.handling;
  const reachedBeyond = (Object.keys(h.reached) as EscalationLevel[]).filter(
    (l) => h.reached[l] > 0 && l !== 'company' && l !== 'grid',
  );
  const escalatedLine = `升级 escalated: ${h.escalated}${
    reachedBeyond.length > 0
      ? `（${reachedBeyond.map((l) => `${LEVEL[l][0]} ${LEVEL[l][1]} ${h.reached[l]}`).join('，')}）`
      : ''
  }`;
  const handlingLines = SEVERITIES_WORST_FIRST.filter((s) => h.bySeverity[s].opened > 0).map((s) => {
    const x = h.bySeverity[s];
    const slow = x.slowest ? `，最慢 slowest ${duration(x.slowest.sec)[1]}（${x.slowest.device}）` : '';
    return (
      `${SEV[s][0]} ${SEV[s][1]}: 确认 acknowledged ${x.acknowledged}/${x.opened}，` +
      `中位 median ${duration(x.medianSec)[1]}${slow}`
    );
  });
  const text = [
    `${d.scope.name}（${who[0]} ${who[1]} ${d.scope.id}）${d.date} 告警日报 · daily alert digest`,
    `统计时段 Period: ${localTime(d.from, d.timeZone)} – ${localTime(d.to, d.timeZone)} (${d.timeZone})`,
    '',
    `一、昨日告警 Alerts: ${d.alerts.total}（${zhTally}；${enTally}）`,
    ...d.alerts.byRule.map((r) => {
      const [zh, en] = rule(r.rule);
      return `  ${zh} / ${en}: ${r.total}（${tally(r.bySeverity)[0]}）`;
    }),
    ...(d.alerts.worst.length > 0 ? ['  最严重 Worst:'] : []),
    ...d.alerts.worst.map((a) => `  - ${alertLine(a, d.timeZone, false)}`),
    '',
    '二、处置时效 Handling (time to acknowledge)',
    ...(handlingLines.length > 0 ? handlingLines.map((l) => `  ${l}`) : ['  无告警 no alerts']),
    `  ${escalatedLine}`,
    '',
    `三、未结事项 Open items: ${open.total}（未确认 unacknowledged ${open.unacknowledged}，超过24小时 standing ${open.standing}）`,
    ...open.items.map((a) => `  - ${alertLine(a, d.timeZone, true)}`),
    ...(open.total > open.items.length ? [`  ……另有 ${open.total - open.items.length} 条 more`] : []),
    ...(d.truncated
      ? ['', '注意：告警过多，仅统计最新部分 · Too many alerts: the newest were counted.']
      : []),
    '',
    ...(link ? [`详情 Details: ${link}`] : []),
    `生成于 Built ${localTime(d.builtAt, d.timeZone)}`,
  ].join('\n');

  const sevCells = SEVERITIES_WORST_FIRST.map(
    (s) =>
      `<td style="padding:8px 14px;text-align:center;border-radius:6px;background:${SEV_COLOUR[s]};color:#fff">` +
      `<div style="font-size:24px;font-weight:bold" data-severity="${s}">${d.alerts.bySeverity[s]}</div>` +
      `<div style="font-size:12px">${SEV[s][0]} ${SEV[s][1]}</div></td>`,
  ).join('<td style="width:6px"></td>');
  const row = (cells: string[], th = false) =>
    `<tr>${cells.map((c) => `<${th ? 'th' : 'td'} style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:left">${c}</${th ? 'th' : 'td'}>`).join('')}</tr>`;
  const alertRows = (list: DigestAlert[], openList: boolean) =>
    list
      .map((a) =>
        row([
          `<span style="color:${SEV_COLOUR[a.severity]};font-weight:bold">${SEV[a.severity][0]}</span>`,
          esc(a.device),
          `${esc(rule(a.rule)[0])}<br><small>${esc(a.message)}</small>`,
          esc(localTime(a.openedAt, d.timeZone)),
          `${LEVEL[a.level][0]}`,
          a.acknowledged ? `已确认 ${esc(duration(a.ackSec)[0])}` : '<b>未确认</b>',
          ...(openList ? [`${a.ageHours ?? ''} h`] : []),
        ]),
      )
      .join('');
  const html = [
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head>',
    '<body style="font-family:sans-serif;max-width:760px;margin:0 auto;color:#222">',
    `<h2 style="margin-bottom:0">${esc(d.scope.name)} · ${d.date} 告警日报</h2>`,
    `<div style="color:#666">Daily alert digest · ${who[1]} ${esc(d.scope.id)} · ${esc(localTime(d.from, d.timeZone))} – ${esc(localTime(d.to, d.timeZone))} (${esc(d.timeZone)})</div>`,
    `<h3>一、昨日告警 Alerts: <span data-figure="total">${d.alerts.total}</span></h3>`,
    `<table style="border-collapse:separate"><tr>${sevCells}</tr></table>`,
    d.alerts.byRule.length > 0
      ? `<table style="border-collapse:collapse;margin-top:8px">${row(['规则 Rule', '合计 Total', '按等级 By severity'], true)}${d.alerts.byRule
          .map((r) =>
            row([
              `${esc(rule(r.rule)[0])} / ${esc(rule(r.rule)[1])}`,
              String(r.total),
              tally(r.bySeverity)[0],
            ]),
          )
          .join('')}</table>`
      : '<p>昨日无告警 · No alerts.</p>',
    ...(d.alerts.worst.length > 0
      ? [
          '<h4>最严重 Worst</h4>',
          `<table style="border-collapse:collapse">${row(['等级', '设备 Device', '告警 Alert', '开始 Opened', '层级 Level', '确认 Taken'], true)}${alertRows(d.alerts.worst, false)}</table>`,
        ]
      : []),
    '<h3>二、处置时效 Handling</h3>',
    `<table style="border-collapse:collapse">${row(['等级 Severity', '确认 Acknowledged', '中位 Median', '最慢 Slowest'], true)}${SEVERITIES_WORST_FIRST.filter(
      (s) => h.bySeverity[s].opened > 0,
    )
      .map((s) => {
        const x = h.bySeverity[s];
        return row([
          `<span style="color:${SEV_COLOUR[s]};font-weight:bold">${SEV[s][0]} ${SEV[s][1]}</span>`,
          `${x.acknowledged}/${x.opened}`,
          duration(x.medianSec)[0],
          x.slowest ? `${duration(x.slowest.sec)[0]} ${esc(x.slowest.device)}` : '—',
        ]);
      })
      .join('')}</table>`,
    `<p>${esc(escalatedLine)}</p>`,
    `<h3>三、未结事项 Open items: ${open.total}</h3>`,
    `<p>未确认 unacknowledged ${open.unacknowledged} · 超过24小时 standing ${open.standing}</p>`,
    ...(open.items.length > 0
      ? [
          `<table style="border-collapse:collapse">${row(['等级', '设备 Device', '告警 Alert', '开始 Opened', '层级 Level', '确认 Taken', '时长 Age'], true)}${alertRows(open.items, true)}</table>`,
        ]
      : []),
    ...(open.total > open.items.length ? [`<p>……另有 ${open.total - open.items.length} 条 more</p>`] : []),
    ...(d.truncated
      ? ['<p><b>告警过多，仅统计最新部分 · Too many alerts: the newest were counted.</b></p>']
      : []),
    ...(link ? [`<p><a href="${esc(link)}">在指挥平台查看 · Open in the dashboard</a></p>`] : []),
    `<p style="color:#888;font-size:12px">生成于 Built ${esc(localTime(d.builtAt, d.timeZone))} · 龙岗区应急指挥中心</p>`,
    '</body></html>',
  ].join('\n');
  return {
    subject,
    sms: `【龙岗应急】${d.scope.name}${d.date}告警${d.alerts.total}条，未结${open.total}条。`,
    text,
    html,
  };
}
