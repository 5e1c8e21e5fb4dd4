import { SEVERITIES_WORST_FIRST } from '@lg/contracts/alert';
import { byId, h, setOptions, text } from '../dom';
import { label, localMessage, onLangChange, t } from '../i18n';
import { schedule } from '../scheduler';
import type { Store } from '../state';
import { formatAge, formatDateTime } from '../time';
import type { Alert, Severity } from '../types';
import { VirtualList } from '../vlist';
import { foldIncidents, rowKey, type AlertRow } from './incidents';
import {
  compareAlerts,
  countOpen,
  isOpen,
  isTaken,
  matches,
  type AlertFilter,
  type AlertStateFilter,
} from './order';

/** The alert list with its filters, and the open counts in the header. */
export class AlertList {
  private readonly list: VirtualList<AlertRow>;
  private readonly selects = {
    kind: byId<HTMLSelectElement>('filter-kind'),
    street: byId<HTMLSelectElement>('filter-street'),
    company: byId<HTMLSelectElement>('filter-company'),
    severity: byId<HTMLSelectElement>('filter-severity'),
    state: byId<HTMLSelectElement>('filter-state'),
  };
  private selected: string | undefined;
  private closedLoaded = false;
  /** Cleared, unacknowledged, not red, as the filters show them now: what a bulk acknowledgement takes. */
  private bulk: Alert[] = [];
  private readonly bulkForm = byId<HTMLFormElement>('bulk-ack');
  private readonly bulkOpen = byId<HTMLButtonElement>('bulk-ack-open');
  private readonly bulkBody = byId('bulk-ack-body');
  private readonly bulkNote = byId<HTMLInputElement>('bulk-ack-note');
  private readonly bulkResult = byId('bulk-ack-result');

  constructor(
    private readonly store: Store,
    private readonly onSelect: (alert: Alert) => void,
    private readonly loadClosed: () => Promise<void>,
    /** An incident's row was chosen. */
    private readonly onSelectIncident: (id: string) => void = () => undefined,
    /** Takes these alerts with one note; answers how many were taken and skipped. */
    private readonly acknowledgeCleared?: (
      ids: string[],
      note: string,
    ) => Promise<{ acknowledged: string[]; skipped: unknown[] }>,
  ) {
    this.bulkOpen.addEventListener('click', () => {
      this.bulkBody.hidden = !this.bulkBody.hidden;
      if (!this.bulkBody.hidden) this.bulkNote.focus();
    });
    this.bulkForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submitBulk();
    });
    this.list = new VirtualList<AlertRow>(byId('alert-list'), {
      name: 'alert-list',
      rowHeight: () => cssPixels('--alert-row-h', 64),
      key: rowKey,
      render: (row, r) => (r.t === 'alert' ? this.renderRow(row, r.alert) : this.renderIncident(row, r)),
      onSelect: (r) => (r.t === 'alert' ? this.onSelect(r.alert) : this.onSelectIncident(r.id)),
    });
    for (const select of Object.values(this.selects)) {
      select.addEventListener('change', () => {
        if (select === this.selects.state && select.value === 'all' && !this.closedLoaded) {
          this.closedLoaded = true;
          void this.loadClosed();
        }
        this.invalidate();
      });
    }
    // Operators filter by every dimension; a company user has only its own trucks to look at.
    for (const name of ['kind', 'street', 'company'] as const) this.selects[name].hidden = !store.isOperator;
    this.fillFilters();
    onLangChange(() => {
      this.fillFilters();
      this.invalidate();
    });
    store.on('alerts', () => this.invalidate());
    // Ages ("3 分钟前") move on by themselves.
    window.setInterval(() => this.list.invalidate(), 10_000);
  }

  select(id: string | undefined): void {
    this.selected = id;
    if (id) this.list.reveal(id);
    this.list.invalidate();
  }

  invalidate(): void {
    schedule('alerts', () => this.render());
  }

  private filter(): AlertFilter {
    const v = (s: HTMLSelectElement) => s.value || undefined;
    return {
      kind: v(this.selects.kind),
      street: v(this.selects.street),
      company: v(this.selects.company),
      severity: v(this.selects.severity) as Severity | undefined,
      state: (this.selects.state.value || 'open') as AlertStateFilter,
    };
  }

  private fillFilters(): void {
    const { map } = this.store;
    setOptions(this.selects.kind, [
      ['', t('filter.allKinds')],
      ...(['truck', 'slope', 'gas'] as const).map((k): [string, string] => [k, label('kind', k)]),
    ]);
    setOptions(this.selects.street, [
      ['', t('filter.allStreets')],
      ...map.streets.map((s): [string, string] => [s.id, this.store.name(s.id)]),
    ]);
    setOptions(this.selects.company, [
      ['', t('filter.allCompanies')],
      ...map.companies.map((c): [string, string] => [c.id, `${c.id} ${this.store.name(c.id)}`]),
    ]);
    setOptions(this.selects.severity, [
      ['', t('filter.allSeverities')],
      ...SEVERITIES_WORST_FIRST.map((s): [string, string] => [s, label('sev', s)]),
    ]);
    setOptions(this.selects.state, [
      ['open', t('filter.open')],
      ['unacked', t('filter.unacked')],
      ['all', t('filter.all')],
      ['shelved', t('filter.shelved')],
    ]);
  }

  private render(): void {
    const f = this.filter();
    const all = [...this.store.alerts.values()];
    const shown = all.filter((a) => matches(a, f, (x) => this.store.streetOfAlert(x))).sort(compareAlerts);
    this.bulk = shown.filter((a) => !a.active && !isTaken(a, this.store.user.role) && a.severity !== 'red');
    this.bulkForm.hidden =
      !this.acknowledgeCleared || (this.bulk.length === 0 && !this.bulkResult.textContent);
    text(this.bulkOpen, t('bulk.open', { n: this.bulk.length }));
    this.bulkNote.placeholder = t('bulk.note');
    // An incident's members fold into one row (a red one never does: docs/dashboard.md, "Incidents").
    this.list.setItems(foldIncidents(shown));
    const open = all.filter(isOpen).length;
    text(
      byId('alert-count'),
      shown.length === open && f.state === 'open'
        ? t('alerts.open', { n: open })
        : `${t('alerts.open', { n: open })} · ${t('alerts.shown', { shown: shown.length, total: all.length })}`,
    );
    byId('alerts-empty').hidden = shown.length > 0;
    const counts = countOpen(all);
    for (const sev of SEVERITIES_WORST_FIRST) {
      const el = document.querySelector(`#summary [data-sev="${sev}"] b`);
      if (el) text(el, String(counts[sev]));
    }
  }

  private async submitBulk(): Promise<void> {
    const note = this.bulkNote.value.trim();
    if (!note || !this.acknowledgeCleared || this.bulk.length === 0) return;
    try {
      const r = await this.acknowledgeCleared(
        this.bulk.slice(0, 2000).map((a) => a.id),
        note,
      );
      text(this.bulkResult, t('bulk.result', { acked: r.acknowledged.length, skipped: r.skipped.length }));
      this.bulkNote.value = '';
      this.bulkBody.hidden = true;
    } catch (err) {
      text(
        this.bulkResult,
        t('alert.ackFailed', { error: err instanceof Error ? err.message : String(err) }),
      );
    }
    this.invalidate();
  }

  private renderIncident(row: HTMLElement, r: Extract<AlertRow, { t: 'incident' }>): void {
    this.skeleton(row);
    const { top, members } = r;
    row.className = [
      'vrow',
      'alert-row',
      'incident-row',
      `sev-${top.severity}`,
      members.some((m) => m.active) ? 'active' : 'cleared',
      members.every((m) => isTaken(m, this.store.user.role)) ? 'acked' : 'unacked',
      r.id === this.selected ? 'selected' : '',
    ].join(' ');
    for (const k of ['alertId', 'device', 'rule', 'severity', 'acknowledged', 'companyAck'])
      delete row.dataset[k];
    row.dataset.incident = r.id;
    row.dataset.members = String(members.length);
    const q = (cls: string) => row.querySelector(`.${cls}`) as HTMLElement;
    const rules = [...new Set(members.map((m) => label('rule', m.rule)))];
    const devices = new Set(members.map((m) => m.device)).size;
    text(q('rule'), t('incident.title', { n: members.length }));
    text(q('device'), t('incident.devices', { n: devices }));
    text(q('owner'), [...new Set(members.map((m) => this.store.name(m.owner)))].join(' · '));
    text(q('message'), rules.join(' · '));
    const unacked = members.filter((m) => !isTaken(m, this.store.user.role)).length;
    text(q('state'), t('incident.unacked', { n: unacked }));
    text(q('level'), '');
    text(q('sev-label'), label('sev', top.severity));
    const first = members.reduce((a, b) => (a.openedAt < b.openedAt ? a : b));
    const age = q('age');
    text(age, formatAge(first.openedAt, Date.now()));
    age.title = formatDateTime(first.openedAt);
  }

  private skeleton(row: HTMLElement): void {
    if (!row.firstChild) {
      row.append(
        h('span', { class: 'sev-bar' }),
        h(
          'span',
          { class: 'row-main' },
          h(
            'span',
            { class: 'row-title' },
            h('b', { class: 'rule' }),
            h('span', { class: 'device' }),
            h('span', { class: 'owner' }),
          ),
          h('span', { class: 'message' }),
          h('span', { class: 'row-meta' }, h('span', { class: 'state' }), h('span', { class: 'level' })),
        ),
        h('span', { class: 'row-side' }, h('span', { class: 'sev-label' }), h('time', { class: 'age' })),
      );
    }
  }

  private renderRow(row: HTMLElement, a: Alert): void {
    this.skeleton(row);
    delete row.dataset.incident;
    delete row.dataset.members;
    row.className = [
      'vrow',
      'alert-row',
      `sev-${a.severity}`,
      a.active ? 'active' : 'cleared',
      isTaken(a, this.store.user.role) ? 'acked' : 'unacked',
      a.id === this.selected ? 'selected' : '',
    ].join(' ');
    row.dataset.alertId = a.id;
    row.dataset.device = a.device;
    row.dataset.rule = a.rule;
    row.dataset.severity = a.severity;
    row.dataset.acknowledged = String(a.acknowledged);
    if (a.companyAck) row.dataset.companyAck = a.companyAck.by;
    else delete row.dataset.companyAck;
    const q = (cls: string) => row.querySelector(`.${cls}`) as HTMLElement;
    text(q('rule'), label('rule', a.rule));
    text(q('device'), this.store.deviceLabel(a.device));
    text(q('owner'), this.store.name(a.owner));
    text(q('message'), localMessage(a.message));
    text(
      q('state'),
      [
        a.active ? t('state.active') : t('state.cleared'),
        a.acknowledged ? t('state.acked') : t('state.unacked'),
        !a.acknowledged && a.companyAck ? t('state.companyAcked') : '',
      ]
        .filter(Boolean)
        .join(' · '),
    );
    text(q('level'), `${label('level', a.escalation.level)}${a.count > 1 ? ` ×${a.count}` : ''}`);
    text(q('sev-label'), label('sev', a.severity));
    const age = q('age');
    text(age, formatAge(a.openedAt, Date.now()));
    age.title = formatDateTime(a.openedAt);
  }
}

/** A pixel length from a CSS custom property on the body (it changes with the layout). */
export function cssPixels(name: string, fallback: number): number {
  const v = parseFloat(getComputedStyle(document.body).getPropertyValue(name));
  return Number.isFinite(v) && v > 0 ? v : fallback;
}
