import type { Api } from '../api';
import { h } from '../dom';
import { label, localMessage, t } from '../i18n';
import { formatDateTime, TIME_ZONE } from '../time';
import { ESCALATION_LEVELS, SEVERITIES_WORST_FIRST as SEVERITIES } from '@lg/contracts/alert';
import type { Digest, DigestAlert, DigestScope } from '@lg/contracts/digest';
import type { NotificationDelivery, Principal, Severity } from '../types';

/** `GET /api/digests/{scope}`: the digest and the deliveries of its day's sends. */
type DigestView = Digest & { deliveries: NotificationDelivery[] };

const DAY_MS = 86_400_000;
/** The oldest day the API serves (alerts closed longer ago have left the live store). */
const DAYS_BACK = 30;

const dateOf = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(ms);

/** `4 min`, `1 h 12 min`, `42 s`, in either language. */
function duration(sec: number | null): string {
  if (sec === null) return '—';
  if (sec < 60) return t('unit.sec', { n: sec });
  const min = Math.round(sec / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

function table(head: string[], rows: Array<Array<string | number | Node>>, role: string): HTMLElement {
  return h(
    'table',
    { class: 'ws-table', 'data-role': role },
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', {}, c)))),
    h(
      'tbody',
      {},
      ...rows.map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c instanceof Node ? c : String(c))))),
    ),
  );
}

const badge = (s: Severity) => h('span', { class: `sev-badge sev-${s}` }, label('sev', s));

function alertRows(list: DigestAlert[], open: boolean): Array<Array<string | number | Node>> {
  return list.map((a) => [
    badge(a.severity),
    a.device,
    `${label('rule', a.rule)} · ${localMessage(a.message)}`,
    formatDateTime(a.openedAt),
    label('level', a.level),
    a.acknowledged || a.ackSec !== null ? t('digest.taken', { d: duration(a.ackSec) }) : t('digest.notTaken'),
    ...(open ? [`${a.ageHours ?? ''} h`] : []),
  ]);
}

/**
 * The daily digest as a page (`#/digest/{scope}/{date}`): a company's or a street's day at a glance —
 * tiles per severity, the rules as stacked bars, how fast each severity was taken, what is still open —
 * the same figures the morning mail carries. A company user sees its own company; an operator chooses any
 * company or street and may send the day's digest again.
 */
export async function renderDigest(
  view: HTMLElement,
  api: Api,
  user: Principal,
  go: (hash: string) => void,
  scopeId: string | undefined,
  date: string | undefined,
): Promise<void> {
  view.replaceChildren(h('p', { class: 'ws-muted' }, t('ws.loading')));
  const scopes = await api.get<DigestScope[]>('/api/digests');
  const scope = scopes.find((s) => s.id === scopeId) ?? scopes[0];
  if (!scope) return;
  const today = dateOf(Date.now());
  const day = date && /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : dateOf(Date.now() - DAY_MS);
  const d = await api.get<DigestView>(`/api/digests/${encodeURIComponent(scope.id)}`, { date: day });

  const select = h('select', { 'data-role': 'digest-scope' });
  for (const kind of ['company', 'street'] as const) {
    const group = h('optgroup', { label: t(`digest.${kind}`) });
    for (const s of scopes.filter((x) => x.kind === kind))
      group.append(h('option', { value: s.id, selected: s.id === scope.id }, `${s.name} (${s.id})`));
    if (group.children.length > 0) select.append(group);
  }
  select.addEventListener('change', () => go(`#/digest/${select.value}/${day}`));
  const picker = h('input', {
    type: 'date',
    value: day,
    max: today,
    min: dateOf(Date.now() - DAYS_BACK * DAY_MS),
    'data-role': 'digest-date',
  });
  picker.addEventListener('change', () => {
    if (picker.value) go(`#/digest/${scope.id}/${picker.value}`);
  });
  const bar = h(
    'div',
    { class: 'ws-bar' },
    h('label', {}, t('digest.scope'), ' ', select),
    h('label', {}, t('digest.date'), ' ', picker),
  );
  if (user.role === 'operator') {
    const status = h('span', { class: 'ws-muted', 'data-role': 'digest-send-status' });
    const send = h('button', { type: 'button', class: 'tool', 'data-role': 'digest-send' }, t('digest.send'));
    send.addEventListener('click', () => {
      send.setAttribute('disabled', '');
      api
        .post<{ run: string }>(`/api/digests/${encodeURIComponent(scope.id)}/send?date=${day}`, {})
        .then((r) => {
          status.textContent = t('digest.sent', { run: r.run });
        })
        .catch((err: unknown) => {
          status.textContent = err instanceof Error ? err.message : String(err);
        })
        .finally(() => send.removeAttribute('disabled'));
    });
    bar.append(send, status);
  }

  const tile = (value: string | number, text: string, role: string, cls = '') =>
    h(
      'div',
      { class: `digest-tile ${cls}`, 'data-role': role },
      h('b', {}, String(value)),
      h('span', {}, text),
    );
  const alertHeads = [
    t('load.severity'),
    t('load.device'),
    t('load.rule'),
    t('digest.opened'),
    t('digest.level'),
    t('digest.state'),
  ];
  const tiles = h(
    'div',
    { class: 'digest-tiles' },
    tile(d.alerts.total, t('digest.alerts'), 'digest-total', 'digest-total'),
    ...SEVERITIES.map((s) => tile(d.alerts.bySeverity[s], label('sev', s), `digest-${s}`, `sev-${s}`)),
    tile(d.open.total, t('digest.open'), 'digest-open'),
    tile(d.open.unacknowledged, t('digest.unacked'), 'digest-unacked'),
    tile(d.handling.escalated, t('digest.escalated'), 'digest-escalated'),
  );

  // One stacked bar per rule, its length the rule's share of the busiest rule.
  const most = Math.max(1, ...d.alerts.byRule.map((r) => r.total));
  const rules = h(
    'div',
    { class: 'digest-rules', 'data-role': 'digest-rules' },
    ...d.alerts.byRule.map((r) => {
      const stack = h('div', { class: 'digest-stack' });
      for (const s of SEVERITIES) {
        if (r.bySeverity[s] === 0) continue;
        const seg = h('span', {
          class: `sev-badge sev-${s}`,
          title: `${label('sev', s)} ${r.bySeverity[s]}`,
        });
        // Through the CSSOM: the page's CSP refuses style attributes.
        seg.style.width = `${(r.bySeverity[s] / most) * 100}%`;
        stack.append(seg);
      }
      return h(
        'div',
        { class: 'digest-rule' },
        h('span', {}, label('rule', r.rule)),
        stack,
        h('b', {}, String(r.total)),
      );
    }),
  );

  view.replaceChildren(
    h('h2', {}, `${t('digest.title')} · ${d.scope.name} · ${d.date}`),
    bar,
    h(
      'p',
      { class: 'ws-muted' },
      t('digest.period', { from: formatDateTime(d.from), to: formatDateTime(d.to) }),
    ),
    ...(d.truncated ? [h('p', { class: 'warning' }, t('digest.truncated'))] : []),
    tiles,
    h('h3', {}, t('digest.byRule')),
    d.alerts.byRule.length > 0 ? rules : h('p', { class: 'ws-muted' }, t('digest.none')),
    h('h3', {}, t('digest.worst')),
    table(alertHeads, alertRows(d.alerts.worst, false), 'digest-worst'),
    h('h3', {}, t('digest.handling')),
    table(
      [t('load.severity'), t('digest.acked'), t('digest.median'), t('digest.slowest')],
      SEVERITIES.filter((s) => d.handling.bySeverity[s].opened > 0).map((s) => {
        const x = d.handling.bySeverity[s];
        return [
          badge(s),
          `${x.acknowledged} / ${x.opened}`,
          duration(x.medianSec),
          x.slowest ? `${duration(x.slowest.sec)} · ${x.slowest.device}` : '—',
        ];
      }),
      'digest-handling',
    ),
    h(
      'p',
      { class: 'ws-muted' },
      `${t('digest.reached')}: `,
      ESCALATION_LEVELS.filter((l) => d.handling.reached[l] > 0)
        .map((l) => `${label('level', l)} ${d.handling.reached[l]}`)
        .join(' · ') || t('digest.none'),
    ),
    h('h3', {}, `${t('digest.openItems')} (${d.open.total} · ${t('digest.standing')} ${d.open.standing})`),
    table([...alertHeads, t('digest.age')], alertRows(d.open.items, true), 'digest-open-items'),
    h('h3', {}, t('digest.deliveries')),
    table(
      [t('digest.channel'), t('digest.to'), t('digest.state'), t('digest.opened')],
      d.deliveries.map((x) => [
        x.channel,
        `${x.contact} ${x.to}`,
        x.reason ? `${x.state} · ${x.reason}` : x.state,
        formatDateTime(x.queuedAt),
      ]),
      'digest-deliveries',
    ),
  );
}
