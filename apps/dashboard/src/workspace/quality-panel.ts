import type { TruckDataQuality } from '@lg/contracts/scorecard';
import type { Api } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import { formatDateTime } from '../time';

/** `GET /api/quality/{companyId}` (docs/scorecard.md): one truck's row. */
export type TruckQualityView = TruckDataQuality;

interface QualityView {
  company: string;
  from: string;
  to: string;
  gapFactor: number;
  trucks: TruckQualityView[];
  truncated: string[];
}

const HOURS = [1, 6, 24] as const;

const pct = (x: number | null): string => (x === null ? '—' : `${Math.round(x * 1000) / 10} %`);
const secs = (x: number | null): string => (x === null ? '—' : `${x} s`);
/** A skew in the unit that reads best: 0.35 s, 42 s, 5.0 min. */
export function formatSkew(ms: number | null): string {
  if (ms === null) return '—';
  const a = Math.abs(ms);
  if (a < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (a < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/**
 * 数据质量 in the integration console: every truck of a company with its reporting interval against the
 * registry's, how regular it is, its gaps, its share of unqualified records and the skew between its
 * clock and the platform's, worst first. A company user sees its own; an operator picks the company.
 */
export class QualityPanel {
  readonly el = h('div', { id: 'data-quality' });
  private readonly body = h('div', {});
  private readonly company: HTMLSelectElement | HTMLInputElement;
  private hours = 6;
  private seq = 0;

  constructor(
    private readonly api: Api,
    private readonly user: { role: 'operator' | 'company'; company?: string },
  ) {
    this.company =
      user.role === 'company'
        ? h('input', { type: 'hidden', value: user.company ?? '' })
        : h('select', { id: 'quality-company', 'aria-label': t('ws.company') });
    this.company.addEventListener('change', () => void this.load());
    const periods = h(
      'span',
      { class: 'periods', role: 'group' },
      ...HOURS.map((n) => {
        const b = h(
          'button',
          { type: 'button', class: 'tool', 'data-hours': n },
          t('ws.quality.hours', { n }),
        );
        b.addEventListener('click', () => {
          this.hours = n;
          void this.load();
        });
        return b;
      }),
    );
    this.el.append(h('p', {}, ...(user.role === 'operator' ? [this.company, ' '] : []), periods), this.body);
  }

  async open(): Promise<void> {
    if (this.company instanceof HTMLSelectElement) {
      const devices = await this.api.get<Array<{ kind: string; owner: string }>>('/api/devices');
      const owners = [...new Set(devices.filter((d) => d.kind === 'truck').map((d) => d.owner))].sort();
      this.company.replaceChildren(...owners.map((o) => h('option', { value: o }, o)));
    }
    await this.load();
  }

  private async load(): Promise<void> {
    const company = this.company.value;
    if (!company) return;
    const seq = ++this.seq;
    for (const b of this.el.querySelectorAll<HTMLElement>('[data-hours]'))
      b.classList.toggle('active', b.dataset.hours === String(this.hours));
    try {
      const v = await this.api.get<QualityView>(`/api/quality/${encodeURIComponent(company)}`, {
        from: Date.now() - this.hours * 3_600_000,
      });
      if (seq === this.seq) this.paint(v);
    } catch (err) {
      if (seq === this.seq)
        this.body.replaceChildren(
          h('p', { class: 'error' }, err instanceof Error ? err.message : String(err)),
        );
    }
  }

  private paint(v: QualityView): void {
    const head = [
      'ws.quality.truck',
      'ws.quality.records',
      'ws.quality.interval',
      'ws.quality.regularity',
      'ws.quality.gaps',
      'ws.quality.unqualified',
      'ws.quality.skew',
      'ws.quality.last',
    ] as const;
    this.body.replaceChildren(
      h('p', { class: 'ws-muted' }, t('ws.quality.help', { factor: v.gapFactor })),
      h(
        'table',
        { class: 'ws-table', id: 'quality-table' },
        h('thead', {}, h('tr', {}, ...head.map((k) => h('th', {}, t(k))))),
        h(
          'tbody',
          {},
          ...v.trucks.map((q) =>
            h(
              'tr',
              { 'data-truck': q.truck, 'data-gaps': q.gaps },
              h('td', {}, h('a', { href: `#/scorecard/${v.company}/${q.truck}` }, q.truck)),
              h('td', {}, String(q.records)),
              h(
                'td',
                { title: t('ws.quality.p90', { s: secs(q.p90IntervalSec) }) },
                `${secs(q.medianIntervalSec)} / ${q.expectedIntervalSec} s`,
              ),
              h('td', {}, pct(q.regularity)),
              h('td', {}, q.gaps === 0 ? '0' : t('ws.quality.gapLine', { n: q.gaps, s: q.longestGapSec })),
              h('td', {}, q.records ? `${pct(q.unqualifiedShare)} (${q.unqualified})` : '—'),
              h(
                'td',
                { 'data-skew': q.medianSkewMs ?? '' },
                `${formatSkew(q.medianSkewMs)} (max ${formatSkew(q.maxAbsSkewMs)})`,
              ),
              h('td', {}, q.lastTs ? formatDateTime(q.lastTs) : t('status.never')),
            ),
          ),
        ),
      ),
    );
  }
}
