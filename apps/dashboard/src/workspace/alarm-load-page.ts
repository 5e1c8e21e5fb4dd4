import type { Api } from '../api';
import { h } from '../dom';
import { label, t } from '../i18n';
import { formatDateTime } from '../time';
import type { AlarmLoad } from '@lg/contracts/alarm-load';
import type { Severity } from '../types';

/** `GET /api/alarm-load`: the figures of libs/alerts/src/alarm-load.ts and whether the alerts read were cut. */
type AlarmLoadView = AlarmLoad & { truncated: boolean };

const HOURS = [1, 24, 168] as const;
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const secs = (v: number | null) =>
  v === null ? '—' : v < 120 ? `${Math.round(v)} s` : `${(v / 60).toFixed(1)} min`;

function table(head: string[], rows: (string | number)[][], role: string): HTMLElement {
  return h(
    'table',
    { class: 'ws-table', 'data-role': role },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, String(c)))))),
  );
}

/**
 * The duty chief's alarm-load page: alarms per operator-hour against EEMUA 191 (≤ 6 acceptable, ≤ 12
 * manageable), floods (more than 10 alarms in 10 minutes per operator), the 10-minute profile, standing
 * alarms, the rules and devices that alarm most, and time to acknowledge per severity.
 */
export async function renderAlarmLoad(
  view: HTMLElement,
  api: Api,
  hours: (typeof HOURS)[number] = 24,
  operators = 1,
): Promise<void> {
  view.replaceChildren(h('p', { class: 'ws-muted' }, t('ws.loading')));
  const d = await api.get<AlarmLoadView>('/api/alarm-load', { hours, operators });
  const bar = h('div', { class: 'ws-bar' });
  for (const hh of HOURS) {
    const b = h(
      'button',
      { type: 'button', class: 'tool', 'data-hours': hh, 'aria-pressed': String(hh === hours) },
      t(`load.hours.${hh}`),
    );
    b.addEventListener('click', () => void renderAlarmLoad(view, api, hh, operators));
    bar.append(b);
  }
  const ops = h('input', {
    type: 'number',
    min: 1,
    max: 50,
    value: operators,
    'data-role': 'load-operators',
  });
  ops.addEventListener(
    'change',
    () => void renderAlarmLoad(view, api, hours, Math.min(50, Math.max(1, Number(ops.value) || 1))),
  );
  bar.append(
    h('label', {}, t('load.operators'), ' ', ops),
    h('span', { class: 'ws-muted' }, `${formatDateTime(d.from)} — ${formatDateTime(d.to)}`),
  );

  const peak = Math.max(1, d.peak10Min);
  const profile = h(
    'div',
    { class: 'load-profile', 'data-role': 'load-profile' },
    ...d.per10Min.map((b) => {
      const bar = h('span', {
        class: b.alarms > 10 * d.operators ? 'flood' : '',
        title: `${formatDateTime(b.start)} · ${b.alarms}`,
      });
      // Through the CSSOM: the page's CSP refuses style attributes.
      bar.style.height = `${Math.round((b.alarms / peak) * 100)}%`;
      return bar;
    }),
  );
  const figure = (key: Parameters<typeof t>[0], value: string, role: string, cls = '') =>
    h('div', { class: `load-figure ${cls}`, 'data-role': role }, h('b', {}, value), h('span', {}, t(key)));
  const severities: Severity[] = ['red', 'orange', 'yellow', 'blue'];
  view.replaceChildren(
    h('h2', {}, t('load.title')),
    bar,
    h(
      'div',
      { class: 'load-figures' },
      figure('load.alarms', String(d.alarms), 'load-alarms'),
      figure('load.perOperatorHour', d.perOperatorHour.toFixed(1), 'load-rate', `rating-${d.rating}`),
      figure('load.rating', t(`load.rating.${d.rating}`), 'load-rating', `rating-${d.rating}`),
      figure('load.peak', String(d.peak10Min), 'load-peak'),
      figure('load.floods', `${d.floods.length} · ${pct(d.floodShare)}`, 'load-floods'),
      figure('load.standing', String(d.standingCount), 'load-standing'),
    ),
    h('p', { class: 'ws-muted' }, t('load.benchmark')),
    ...(d.truncated ? [h('p', { class: 'warning' }, t('load.truncated'))] : []),
    profile,
    h('h3', {}, t('load.floodList')),
    table(
      [t('load.from'), t('load.to'), t('load.alarms')],
      d.floods.map((f) => [formatDateTime(f.start), formatDateTime(f.end), f.alarms]),
      'load-flood-table',
    ),
    h('h3', {}, t('load.topRules')),
    table(
      [t('load.rule'), t('load.alarms'), t('load.share')],
      d.topRules.map((r) => [label('rule', r.rule), r.alarms, pct(r.share)]),
      'load-top-rules',
    ),
    h('h3', {}, t('load.topDevices')),
    table(
      [t('load.device'), t('load.rule'), t('load.alarms'), t('load.share')],
      d.topDevices.map((r) => [r.device, label('rule', r.rule), r.alarms, pct(r.share)]),
      'load-top-devices',
    ),
    h('h3', {}, t('load.timeToAck')),
    table(
      [t('load.severity'), t('load.acked'), t('load.median'), t('load.p90')],
      severities.map((s) => [
        label('sev', s),
        d.timeToAck[s].acknowledged,
        secs(d.timeToAck[s].medianSec),
        secs(d.timeToAck[s].p90Sec),
      ]),
      'load-ack-times',
    ),
    h('h3', {}, t('load.standingList')),
    table(
      [t('load.device'), t('load.rule'), t('load.severity'), t('load.hoursOpen')],
      d.standing.map((s) => [s.device, label('rule', s.rule), label('sev', s.severity), s.hours]),
      'load-standing-table',
    ),
  );
}
