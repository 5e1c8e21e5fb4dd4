import type { Api } from '../api';
import { h, s } from '../dom';
import { lang, t } from '../i18n';
import { formatDateTime } from '../time';
import { averages, localDate, periodRange, PERIODS, sortRows, type Period, type SortKey } from './periods';
import { ITEMS, type CompanyDetail, type CompanyRow, type Ranking, type Trend, type TruckRow } from './types';

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);
const num = (v: number) => (Math.round(v * 100) / 100).toFixed(2);
const nameOf = (c: { company: string; name: string; nameEn?: string }) =>
  lang() === 'en' && c.nameEn ? c.nameEn : c.name;

export interface ScorecardNav {
  go: (hash: string) => void;
  period: () => Period;
  setPeriod: (p: Period) => void;
}

/** The period picker (day, week, month) and the period it stands for. */
function periodBar(nav: ScorecardNav, onChange: () => void, extra: Node[] = []): HTMLElement {
  const bar = h('div', { class: 'ws-bar' });
  for (const p of PERIODS) {
    const b = h(
      'button',
      { type: 'button', class: 'tool', 'data-period': p, 'aria-pressed': String(nav.period() === p) },
      t(`ws.period.${p}`),
    );
    b.addEventListener('click', () => {
      nav.setPeriod(p);
      onChange();
    });
    bar.append(b);
  }
  const { from, to } = periodRange(nav.period(), Date.now());
  bar.append(h('span', { class: 'ws-muted' }, `${localDate(from)} — ${localDate(to - 1)}`), ...extra);
  return bar;
}

/**
 * The operators' ranking: every company for the period, the eight items' points and the score, sortable
 * by any column, with the district's averages; a row opens the company.
 */
export async function renderRanking(root: HTMLElement, api: Api, nav: ScorecardNav): Promise<void> {
  const { from, to } = periodRange(nav.period(), Date.now());
  root.replaceChildren(
    h('h2', {}, t('ws.ranking.title')),
    periodBar(nav, () => void renderRanking(root, api, nav)),
    h('p', { class: 'ws-muted' }, t('ws.loading')),
  );
  const ranking = await api.get<Ranking>('/api/scorecard', { from, to });
  let key: SortKey = 'rank';
  let descending = false;
  // The ranking as on screen: this period, this order, this language (`GET /api/scorecard/export`).
  const exports = (['csv', 'xlsx'] as const).map((f) => {
    const b = h('button', { type: 'button', class: 'tool', 'data-export': f }, t(`ws.export.${f}`));
    b.addEventListener('click', () => {
      const order = sortRows(ranking.companies, key, descending)
        .map((c) => c.company)
        .join(',');
      void saveFile(api, '/api/scorecard/export', {
        format: f,
        lang: lang() === 'en' ? 'en' : 'zh',
        from,
        to,
        order,
      }).catch((err: unknown) => console.warn('export failed', err));
    });
    return b;
  });
  const table = h('table', { class: 'ws-table', id: 'ranking-table' });
  const headers: Array<[SortKey, string]> = [
    ['rank', t('ws.rank')],
    ['name', t('ws.company')],
    ...ITEMS.map((i): [SortKey, string] => [`points.${i}`, t(`ws.item.${i}`)]),
    ['score', t('ws.score')],
  ];
  const paint = () => {
    const head = h(
      'tr',
      {},
      ...headers.map(([k, text]) => {
        const th = h(
          'th',
          { 'data-sort': k, class: k === key ? (descending ? 'sorted desc' : 'sorted asc') : '' },
          text,
        );
        th.addEventListener('click', () => {
          descending = k === key ? !descending : k !== 'rank' && k !== 'name';
          key = k;
          paint();
        });
        return th;
      }),
    );
    const rows = sortRows(ranking.companies, key, descending).map((c) => {
      const tr = h(
        'tr',
        { class: 'ws-link', 'data-company': c.company },
        h('td', {}, c.rank ?? ''),
        h('td', {}, h('a', { href: `#/scorecard/${c.company}` }, `${c.company} ${nameOf(c)}`)),
        ...ITEMS.map((i) => h('td', { class: 'num' }, num(c.points[i]))),
        h('td', { class: 'num score' }, num(c.score)),
      );
      tr.addEventListener('click', () => nav.go(`#/scorecard/${c.company}`));
      return tr;
    });
    const avg = averages(ranking.companies);
    const foot = h(
      'tr',
      { class: 'ws-avg' },
      h('td', {}),
      h('td', {}, t('ws.average')),
      ...ITEMS.map((i) => h('td', { class: 'num' }, num(avg.points[i] ?? 0))),
      h('td', { class: 'num score' }, num(avg.score)),
    );
    table.replaceChildren(h('thead', {}, head), h('tbody', {}, ...rows), h('tfoot', {}, foot));
  };
  paint();
  root.replaceChildren(
    h('h2', {}, t('ws.ranking.title')),
    periodBar(nav, () => void renderRanking(root, api, nav), exports),
    table,
    h(
      'p',
      { class: 'ws-muted' },
      t('ws.regional', {
        overspeeds: num(ranking.regional.overspeedsPerVehicle),
        fatigue: num(ranking.regional.fatigueHoursPerVehicle),
      }),
    ),
  );
}

/** A 30-day trend of the score as an SVG line (0–100). */
function trendChart(trend: Trend): SVGSVGElement {
  const w = 600;
  const hgt = 140;
  const pad = 24;
  const n = trend.points.length;
  const x = (i: number) => pad + (n <= 1 ? 0 : (i * (w - 2 * pad)) / (n - 1));
  const y = (v: number) => hgt - pad - (v / 100) * (hgt - 2 * pad);
  const svg = s('svg', {
    class: 'ws-trend',
    viewBox: `0 0 ${w} ${hgt}`,
    role: 'img',
    'aria-label': t('ws.trend'),
  });
  for (const v of [0, 50, 100]) {
    svg.append(
      s('line', { x1: pad, x2: w - pad, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: 2, y: y(v) + 4 }, v),
    );
  }
  if (n > 0) {
    svg.append(
      s('polyline', { points: trend.points.map((p, i) => `${x(i)},${y(p.score)}`).join(' '), class: 'line' }),
    );
    trend.points.forEach((p, i) =>
      svg.append(
        s('circle', { cx: x(i), cy: y(p.score), r: 3 }, s('title', {}, `${p.day}: ${num(p.score)}`)),
      ),
    );
    svg.append(
      s('text', { x: pad, y: hgt - 4 }, trend.points[0].day),
      s('text', { x: w - pad - 70, y: hgt - 4 }, trend.points[n - 1].day),
    );
  } else svg.append(s('text', { x: w / 2 - 40, y: hgt / 2 }, t('ws.noData')));
  return svg;
}

/** Saves a file of an export endpoint (the token goes in a header, so not a plain link). */
async function saveFile(api: Api, path: string, query: Record<string, string | number>): Promise<void> {
  const file = await api.download(path, query);
  const a = h('a', { href: URL.createObjectURL(file.blob), download: file.name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Saves a file of the existing export endpoint (the token goes in a header, so not a plain link). */
async function download(
  api: Api,
  company: string,
  format: 'csv' | 'xlsx',
  from: number,
  to: number,
): Promise<void> {
  const file = await api.download(`/api/scorecard/${encodeURIComponent(company)}/export`, {
    format,
    lang: lang() === 'en' ? 'en' : 'zh',
    from,
    to,
  });
  const a = h('a', { href: URL.createObjectURL(file.blob), download: file.name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

function itemsTable(c: CompanyRow): HTMLElement {
  const rate: Record<string, string> = {
    access: pct(c.rates.access),
    online: pct(c.rates.online),
    completeness: pct(c.rates.completeness),
    qualification: pct(c.rates.qualification),
    drift: pct(c.rates.drift),
    overspeed:
      c.overspeeds.perVehicle === null
        ? '—'
        : `${num(c.overspeeds.perVehicle)} / ${num(c.overspeeds.regionalAverage)}`,
    fatigue:
      c.fatigue.perVehicle === null
        ? '—'
        : `${num(c.fatigue.perVehicle)} h / ${num(c.fatigue.regionalAverage)} h`,
    dutyCheck: `${pct(c.dutyCheck.rate)} (${t(`ws.source.${c.dutyCheck.source}`)}${c.dutyCheck.checks ? `, ${c.dutyCheck.checks.inTime}/${c.dutyCheck.checks.decided}` : ''})`,
  };
  return h(
    'table',
    { class: 'ws-table ws-items', id: 'items-table' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, t('ws.item')), h('th', {}, t('ws.rate')), h('th', {}, t('ws.points'))),
    ),
    h(
      'tbody',
      {},
      ...ITEMS.map((i) =>
        h(
          'tr',
          { 'data-item': i },
          h('td', {}, h('a', { href: '#evidence' }, t(`ws.item.${i}`))),
          h('td', { class: 'num' }, rate[i]),
          h('td', { class: 'num' }, num(c.points[i])),
        ),
      ),
    ),
  );
}

function truckTable(company: string, trucks: TruckRow[], nav: ScorecardNav): HTMLElement {
  return h(
    'table',
    { class: 'ws-table', id: 'trucks-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...(
          [
            'ws.truck',
            'ws.gain',
            'ws.problems',
            'ws.records',
            'ws.item.qualification',
            'ws.item.completeness',
            'ws.gaps',
            'ws.drifts',
            'ws.item.overspeed',
            'ws.item.fatigue',
          ] as const
        ).map((k) => h('th', {}, t(k))),
      ),
    ),
    h(
      'tbody',
      {},
      ...trucks.map((tr) => {
        const row = h(
          'tr',
          { class: 'ws-link', 'data-truck': tr.truck },
          h(
            'td',
            {},
            h(
              'a',
              { href: `#/scorecard/${company}/${tr.truck}` },
              `${tr.truck}${tr.plate ? ` ${tr.plate}` : ''}`,
            ),
          ),
          h('td', { class: 'num' }, num(tr.gain)),
          h('td', {}, tr.problems.map((p) => t(`ws.problem.${p}` as 'ws.problem.drift')).join('、') || '—'),
          h('td', { class: 'num' }, tr.records),
          h('td', { class: 'num' }, pct(tr.qualification)),
          h('td', { class: 'num' }, pct(tr.completeness)),
          h('td', { class: 'num' }, tr.gaps),
          h('td', { class: 'num' }, tr.driftFixes),
          h('td', { class: 'num' }, tr.overspeeds),
          h('td', { class: 'num' }, num(tr.fatigueHours)),
        );
        row.addEventListener('click', () => nav.go(`#/scorecard/${company}/${tr.truck}`));
        return row;
      }),
    ),
  );
}

/** The records behind the rates, every one of them, for the company or one truck. */
function evidenceSection(d: CompanyDetail, truck?: string): HTMLElement {
  const mine = <T extends { truck: string }>(list: T[]) =>
    truck ? list.filter((e) => e.truck === truck) : list;
  const list = (title: string, id: string, items: Node[]) =>
    h(
      'section',
      { class: 'ws-evidence', id },
      h('h3', {}, `${title} (${items.length})`),
      items.length > 0 ? h('ul', {}, ...items) : h('p', { class: 'ws-muted' }, t('ws.none')),
    );
  const never = d.evidence.neverOnline.filter((x) => !truck || x === truck);
  const offline = d.evidence.offline.filter((x) => !truck || x === truck);
  return h(
    'div',
    { id: 'evidence' },
    h('h2', {}, t('ws.evidence')),
    list(
      t('ws.ev.never'),
      'ev-never',
      never.map((x) => h('li', {}, x)),
    ),
    list(
      t('ws.ev.offline'),
      'ev-offline',
      offline.map((x) => h('li', {}, x)),
    ),
    list(
      t('ws.ev.gaps'),
      'ev-gaps',
      mine(d.evidence.gaps).map((g) =>
        h(
          'li',
          {},
          `${g.truck} ${formatDateTime(g.from)} → ${formatDateTime(g.to)} · ${num(g.distanceKm)} km · ${num(g.minutes)} min · ${t(`ws.gap.${g.reason}` as 'ws.gap.time')}`,
        ),
      ),
    ),
    list(
      t('ws.ev.drifts'),
      'ev-drifts',
      mine(d.evidence.drifts).map((x) =>
        h(
          'li',
          {},
          `${x.truck} ${formatDateTime(x.ts)} · ${x.lat.toFixed(5)}, ${x.lon.toFixed(5)} · ${x.impliedKmh === null ? '—' : `${Math.round(x.impliedKmh)} km/h`}`,
        ),
      ),
    ),
    list(
      t('ws.ev.unqualified'),
      'ev-unqualified',
      mine(d.evidence.unqualified).map((u) =>
        h(
          'li',
          {},
          `${u.truck} ${formatDateTime(u.ts)} · ${u.reasons.join(', ')}${u.speed !== null ? ` · ${u.speed} km/h` : ''}`,
        ),
      ),
    ),
  );
}

/**
 * A company's page (an operator's drill-down, or a company user's own): the eight items with their rates
 * and points, the 30-day trend, its trucks in fix-first order, the evidence, and the exports.
 */
export async function renderCompany(
  root: HTMLElement,
  api: Api,
  nav: ScorecardNav,
  company: string,
  truck?: string,
): Promise<void> {
  const { from, to } = periodRange(nav.period(), Date.now());
  const rerender = () => void renderCompany(root, api, nav, company, truck);
  root.replaceChildren(periodBar(nav, rerender), h('p', { class: 'ws-muted' }, t('ws.loading')));
  const [detail, trend] = await Promise.all([
    api.get<CompanyDetail>(`/api/scorecard/${encodeURIComponent(company)}`, { from, to }),
    api.get<Trend>(`/api/scorecard/${encodeURIComponent(company)}/trend`, { days: 30 }),
  ]);
  const exports = (['csv', 'xlsx'] as const).map((f) => {
    const b = h('button', { type: 'button', class: 'tool', 'data-export': f }, t(`ws.export.${f}`));
    b.addEventListener(
      'click',
      () =>
        void download(api, company, f, from, to).catch((err: unknown) => console.warn('export failed', err)),
    );
    return b;
  });
  const crumbs = h(
    'nav',
    { class: 'ws-crumbs' },
    h('a', { href: '#/scorecard' }, t('ws.ranking.title')),
    ' › ',
    h('a', { href: `#/scorecard/${company}` }, `${company} ${nameOf(detail)}`),
    ...(truck ? [' › ', h('span', {}, truck)] : []),
  );
  if (!truck) {
    root.replaceChildren(
      crumbs,
      h(
        'h2',
        { id: 'company-title' },
        `${company} ${nameOf(detail)} · ${t('ws.score')} ${num(detail.score)}${detail.rank ? ` · ${t('ws.rank')} ${detail.rank}` : ''}`,
      ),
      periodBar(nav, rerender, exports),
      h(
        'div',
        { class: 'ws-cols' },
        itemsTable(detail),
        h('div', {}, h('h3', {}, t('ws.trend')), trendChart(trend)),
      ),
      h('h2', {}, t('ws.trucks')),
      truckTable(company, detail.trucks, nav),
      evidenceSection(detail),
    );
    return;
  }
  const tr = detail.trucks.find((x) => x.truck === truck);
  root.replaceChildren(
    crumbs,
    h(
      'h2',
      { id: 'truck-title' },
      `${truck}${tr?.plate ? ` ${tr.plate}` : ''} `,
      h('a', { class: 'tool', id: 'to-playback', href: `#/playback/${truck}/24` }, t('ws.play.title')),
    ),
    periodBar(nav, rerender, exports),
    tr
      ? h(
          'dl',
          { class: 'ws-facts' },
          h('dt', {}, t('ws.gain')),
          h('dd', {}, num(tr.gain)),
          h('dt', {}, t('ws.problems')),
          h('dd', {}, tr.problems.map((p) => t(`ws.problem.${p}` as 'ws.problem.drift')).join('、') || '—'),
          h('dt', {}, t('ws.records')),
          h('dd', {}, `${tr.records} (${pct(tr.qualification)})`),
          h('dt', {}, t('ws.mileage')),
          h('dd', {}, `${num(tr.completeKm)} / ${num(tr.mileageKm)} km`),
          h('dt', {}, t('ws.item.overspeed')),
          h('dd', {}, tr.overspeeds),
          h('dt', {}, t('ws.item.fatigue')),
          h('dd', {}, `${num(tr.fatigueHours)} h`),
        )
      : h('p', {}, t('ws.none')),
    evidenceSection(detail, truck),
  );
}
