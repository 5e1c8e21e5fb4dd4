import type { Api } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import { formatDateTime, formatTime } from '../time';
import { countdown } from './periods';
import { QualityPanel } from './quality-panel';
import { LinksPanel } from './links-panel';
import type { PlatformLinkChange } from '@lg/contracts/platform-link';
import type { DutyCheckView, DutyTallyView, RejectionRecord, RejectionSummary } from './types';

/** Most refusals the console keeps on screen. */
const MAX_ROWS = 200;
/** The live summary is fetched again at most this often while refusals arrive. */
const SUMMARY_EVERY_MS = 1000;

interface Principal {
  role: 'operator' | 'company';
  company?: string;
}

/**
 * The integration console of a company's platform engineers (operators see every owner): refused messages
 * as they happen (`/live` `rejection`) over the kept history, a summary per reason and per device, and the
 * duty checks with their countdown, answered here by the company or asked by an operator.
 */
export class ConsolePage {
  readonly el = h('div', { class: 'ws-console' });
  private readonly rows = h('tbody', { id: 'rejection-rows' });
  private readonly summary = h('div', { id: 'rejection-summary' });
  private readonly duty = h('div', { id: 'duty-checks' });
  /** The measured response rate of the last 7 days (`GET /api/duty-checks/summary`), as the scorecard counts it. */
  private readonly dutyRate = h('div', { id: 'duty-rate', class: 'ws-muted' });
  private rateTimer: number | undefined;
  private rejections: RejectionRecord[] = [];
  private checks = new Map<string, DutyCheckView>();
  private timer: number | undefined;
  private readonly quality: QualityPanel;
  private readonly links: LinksPanel;
  /** A summary reload is due (refusals arrived): at most one request per `SUMMARY_EVERY_MS`. */
  private summaryTimer: number | undefined;

  constructor(
    private readonly api: Api,
    private readonly user: Principal,
  ) {
    this.quality = new QualityPanel(api, user);
    this.links = new LinksPanel(api, user);
  }

  async open(root: HTMLElement): Promise<void> {
    this.build();
    root.replaceChildren(this.el);
    const [list, summary, duty] = await Promise.all([
      this.api.get<{ rejections: RejectionRecord[] }>('/api/rejections', { limit: MAX_ROWS }),
      this.api.get<RejectionSummary>('/api/rejections/summary'),
      this.api.get<{ checks: DutyCheckView[] }>('/api/duty-checks', { limit: 50 }),
    ]);
    // Live ones may have come in meanwhile: keep both, newest first, once each.
    const seen = new Set(this.rejections.map((r) => r.id));
    this.rejections = [...this.rejections, ...list.rejections.filter((r) => !seen.has(r.id))].slice(
      0,
      MAX_ROWS,
    );
    for (const c of duty.checks) if (!this.checks.has(c.id)) this.checks.set(c.id, c);
    this.paintRows();
    this.paintSummary(summary);
    this.paintDuty();
    void this.refreshRate();
    void this.quality.open();
    void this.links.open().catch(() => undefined);
    window.clearInterval(this.timer);
    this.timer = window.setInterval(() => this.paintCountdowns(), 1000);
  }

  close(): void {
    window.clearTimeout(this.rateTimer);
    this.rateTimer = undefined;
    window.clearInterval(this.timer);
    this.timer = undefined;
    window.clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
  }

  /** A refusal from `/live`. */
  addRejection(r: RejectionRecord): void {
    if (this.rejections.some((x) => x.id === r.id)) return;
    this.rejections.unshift(r);
    if (this.rejections.length > MAX_ROWS) this.rejections.length = MAX_ROWS;
    if (this.el.isConnected) this.rows.prepend(this.row(r));
    while (this.rows.children.length > MAX_ROWS) this.rows.lastElementChild?.remove();
    this.refreshSummarySoon();
  }

  /**
   * The summary follows the refusals live: the server's count (the kept history, per reason and device)
   * again shortly after new ones arrive, one request for a burst rather than one per refusal.
   */
  private refreshSummarySoon(): void {
    if (!this.el.isConnected || this.summaryTimer !== undefined) return;
    this.summaryTimer = window.setTimeout(() => {
      this.summaryTimer = undefined;
      this.api
        .get<RejectionSummary>('/api/rejections/summary')
        .then((s) => this.paintSummary(s))
        .catch(() => undefined);
    }, SUMMARY_EVERY_MS);
  }

  /** A company platform's link went up or down (`/live`). */
  onLink(change: PlatformLinkChange): void {
    this.links.onChange(change);
  }

  /** A duty check asked or answered (`/live`). */
  updateCheck(c: DutyCheckView): void {
    this.checks.set(c.id, c);
    if (!this.el.isConnected) return;
    this.paintDuty();
    // An answer (or a miss) moves the measured rate: ask for it again, once for a burst of changes.
    if (c.status !== 'pending' && this.rateTimer === undefined)
      this.rateTimer = window.setTimeout(() => {
        this.rateTimer = undefined;
        void this.refreshRate();
      }, SUMMARY_EVERY_MS);
  }

  /** Each company's measured duty-check response rate over the last 7 days (a company: its own). */
  private async refreshRate(): Promise<void> {
    const tallies = await this.api
      .get<DutyTallyView[]>('/api/duty-checks/summary')
      .catch(() => [] as DutyTallyView[]);
    const shown = tallies.filter((x) => x.asked > 0 || this.user.role === 'company');
    this.dutyRate.replaceChildren(
      h('span', {}, t('ws.duty.rateTitle')),
      ...shown.map((x) =>
        h(
          'span',
          {
            class: 'ws-rate',
            'data-company': x.company,
            'data-in-time': String(x.inTime),
            'data-decided': String(x.decided),
          },
          ` ${this.user.role === 'operator' ? `${x.company} ` : ''}${
            x.rate === null ? t('ws.duty.rateNone') : `${Math.round(x.rate * 100)}%`
          } (${t('ws.duty.rateCounts', { inTime: x.inTime, decided: x.decided, missed: x.missed })})`,
        ),
      ),
    );
  }

  private build(): void {
    this.el.replaceChildren(
      h('h2', {}, t('ws.console.title')),
      h('p', { class: 'ws-muted' }, t('ws.console.help')),
      h('section', {}, h('h3', {}, t('ws.link.title')), this.links.el),
      h('section', {}, h('h3', {}, t('ws.duty.title')), this.dutyRate, this.duty),
      h('section', {}, h('h3', {}, t('ws.summary')), this.summary),
      h('section', {}, h('h3', {}, t('ws.quality.title')), this.quality.el),
      h('section', {}, h('h3', {}, t('ws.try.title')), this.tryForm()),
      h(
        'section',
        {},
        h('h3', {}, t('ws.rejections')),
        h(
          'table',
          { class: 'ws-table', id: 'rejection-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...(
                [
                  'ws.rej.time',
                  'ws.rej.device',
                  'ws.rej.reason',
                  'ws.rej.message',
                  'ws.rej.ts',
                  'ws.rej.topic',
                  'ws.rej.excerpt',
                ] as const
              ).map((k) => h('th', {}, t(k))),
            ),
          ),
          this.rows,
        ),
      ),
    );
  }

  private row(r: RejectionRecord): HTMLElement {
    return h(
      'tr',
      { 'data-id': r.id, 'data-reason': r.reason },
      h('td', {}, formatDateTime(r.receivedAt)),
      h('td', {}, this.user.role === 'operator' ? `${r.owner}/${r.device}` : r.device),
      h('td', {}, h('code', {}, r.reason)),
      h('td', {}, r.index !== undefined ? `#${r.index}: ${r.message}` : r.message),
      h('td', {}, r.ts === undefined ? '—' : String(r.ts)),
      h('td', { class: 'ws-mono' }, r.topic),
      h('td', { class: 'ws-mono' }, r.excerpt),
    );
  }

  private paintRows(): void {
    this.rows.replaceChildren(...this.rejections.map((r) => this.row(r)));
  }

  private paintSummary(s: RejectionSummary): void {
    const reasons = Object.entries(s.byReason).sort((a, b) => b[1] - a[1]);
    this.summary.replaceChildren(
      h(
        'p',
        {},
        t('ws.rej.total', { n: s.total }),
        ' ',
        ...reasons.map(([reason, n]) => h('span', { class: 'ws-chip' }, `${reason} ${n}`)),
      ),
      h(
        'ul',
        { class: 'ws-devices' },
        ...s.byDevice.slice(0, 20).map((d) =>
          h(
            'li',
            {},
            t('ws.rej.line', {
              device: this.user.role === 'operator' ? `${d.owner}/${d.device}` : d.device,
              n: d.total,
              reason: d.last.reason,
              since: formatTime(d.last.receivedAt),
              message: d.last.message,
            }),
          ),
        ),
      ),
    );
  }

  private paintDuty(): void {
    const checks = [...this.checks.values()]
      .sort((a, b) => Date.parse(b.askedAt) - Date.parse(a.askedAt))
      .slice(0, 20);
    const ask = this.user.role === 'operator' ? this.askForm() : null;
    this.duty.replaceChildren(
      ...(ask ? [ask] : []),
      checks.length === 0
        ? h('p', { class: 'ws-muted' }, t('ws.none'))
        : h('ul', { class: 'ws-checks' }, ...checks.map((c) => this.checkItem(c))),
    );
  }

  private checkItem(c: DutyCheckView): HTMLElement {
    const pending = c.status === 'pending' && Date.parse(c.deadline) > Date.now();
    const li = h(
      'li',
      {
        'data-check': c.id,
        'data-status': pending ? 'pending' : c.status === 'pending' ? 'missed' : c.status,
      },
      h(
        'span',
        { class: `ws-status ${c.status}` },
        t(`ws.duty.${pending ? 'pending' : c.status === 'pending' ? 'missed' : c.status}`),
      ),
      ' ',
      this.user.role === 'operator' ? `${c.company} · ` : '',
      h('span', {}, c.question),
      ' ',
      h('span', { class: 'ws-muted' }, `${formatDateTime(c.askedAt)}`),
      pending
        ? h(
            'b',
            { class: 'ws-countdown', 'data-deadline': c.deadline },
            countdown(Date.parse(c.deadline), Date.now()),
          )
        : '',
      c.answeredBy
        ? h(
            'span',
            { class: 'ws-muted' },
            ` ${t('ws.duty.by', { by: c.answeredBy, via: c.via ?? '', s: Math.round((c.responseMs ?? 0) / 1000) })}`,
          )
        : '',
    );
    if (this.user.role === 'company' && !c.answeredAt && Date.now() - Date.parse(c.askedAt) < 86_400_000) {
      const input = h('input', {
        maxlength: 16,
        size: 6,
        'aria-label': t('ws.duty.code'),
        placeholder: t('ws.duty.code'),
      });
      const button = h('button', { type: 'button', class: 'tool' }, t('ws.duty.answer'));
      const error = h('span', { class: 'error' });
      button.addEventListener('click', () => {
        this.api
          .post<{ ok: boolean }>(`/api/duty-checks/${encodeURIComponent(c.id)}/answer`, { code: input.value })
          .then(() => (error.textContent = ''))
          .catch((err: unknown) => (error.textContent = err instanceof Error ? err.message : String(err)));
      });
      li.append(' ', input, button, error);
    }
    return li;
  }

  /** "Try a message": the verdict ingest would give, from its own validation code; nothing is stored. */
  private tryForm(): HTMLElement {
    const own = this.user.role === 'company' ? this.user.company : 'C01';
    const topic = h('input', { id: 'try-topic', size: 48, maxlength: 512, value: `lg/v1/truck/${own}/` });
    const payload = h('textarea', { id: 'try-payload', rows: 3, cols: 80, maxlength: 65_000 });
    payload.value = '{"ts": ' + String(Date.now()) + ', "lat": 22.72, "lon": 114.24, "speed": 52}';
    const out = h('pre', { id: 'try-verdict', class: 'ws-mono' });
    const button = h('button', { type: 'button', class: 'tool', id: 'try-submit' }, t('ws.try.submit'));
    button.addEventListener('click', () => {
      this.api
        .post<unknown>('/api/messages/check', { topic: topic.value, payload: payload.value })
        .then((v) => (out.textContent = JSON.stringify(v, null, 2)))
        .catch((err: unknown) => (out.textContent = err instanceof Error ? err.message : String(err)));
    });
    return h('div', { class: 'ws-try' }, h('p', {}, topic), h('p', {}, payload), h('p', {}, button), out);
  }

  private askForm(): HTMLElement {
    const input = h('input', { maxlength: 64, size: 6, value: 'C01', 'aria-label': t('ws.company') });
    const button = h('button', { type: 'button', class: 'tool', id: 'duty-ask' }, t('ws.duty.ask'));
    const note = h('span', { class: 'ws-muted' });
    button.addEventListener('click', () => {
      this.api
        .post<{ id: string }>('/api/duty-checks', { company: input.value.trim() })
        .then((r) => (note.textContent = r.id))
        .catch((err: unknown) => (note.textContent = err instanceof Error ? err.message : String(err)));
    });
    return h('p', {}, input, ' ', button, ' ', note);
  }

  private paintCountdowns(): void {
    let expired = false;
    for (const el of this.duty.querySelectorAll<HTMLElement>('.ws-countdown')) {
      const deadline = Date.parse(el.dataset.deadline ?? '');
      el.textContent = countdown(deadline, Date.now());
      if (deadline <= Date.now()) expired = true;
    }
    if (expired) this.paintDuty();
  }
}
