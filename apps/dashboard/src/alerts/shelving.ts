import type { Api } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import type { Store } from '../state';
import { formatDateTime } from '../time';
import type { Alert, Severity } from '../types';
import { isOpen } from './order';

/** A request to shelve a red alert, waiting for a second operator (`GET /api/shelves`). */
interface ShelfRequest {
  id: string;
  alerts: { id: string; severity: Severity }[];
  by: string;
  reason: string;
  minutes: number;
}

interface ShelveResult {
  shelved: Alert[];
  request?: ShelfRequest;
}

/** The choices of time: 5 min to 24 h (the gateway refuses anything else). */
const MINUTES = [5, 15, 30, 60, 120, 240, 480, 1440];

/**
 * Shelving in an alert's detail (operators only; docs/dashboard.md, "Shelving"): who shelved it until when
 * and why, with a button to bring it back; or a form (time, required reason, the whole device) to shelve
 * it. A red alert goes to a second operator: a pending request shows on the other operators' screens with
 * a button to confirm it.
 */
export class ShelfControls {
  readonly el = h('section', { class: 'shelving', 'data-role': 'shelving' });
  private readonly state = h('p', { class: 'shelf-state', 'data-role': 'shelf-state' });
  private readonly unshelveButton = h('button', { type: 'button', 'data-role': 'unshelve' });
  private readonly form = h('form', { class: 'shelf-form', 'data-role': 'shelf-form' });
  private readonly reason = h('input', {
    type: 'text',
    maxlength: 500,
    required: true,
    'data-role': 'shelf-reason',
  });
  private readonly minutes = h('select', { 'data-role': 'shelf-minutes' });
  private readonly device = h('input', { type: 'checkbox', 'data-role': 'shelf-device' });
  private readonly submitButton = h('button', { type: 'submit', 'data-role': 'shelve' });
  private readonly pending = h('div', { class: 'shelf-pending', 'data-role': 'shelf-pending' });
  private readonly result = h('p', { class: 'result', role: 'status', 'data-role': 'shelf-result' });

  constructor(
    private alert: Alert,
    private readonly api: Api,
    private readonly store: Store,
  ) {
    for (const m of MINUTES)
      this.minutes.append(h('option', { value: String(m) }, m < 60 ? `${m} min` : `${m / 60} h`));
    this.minutes.value = '60';
    this.form.append(
      h('label', {}, h('span', { 'data-i18n': 'shelf.reason' }), this.reason),
      h('label', {}, h('span', { 'data-i18n': 'shelf.minutes' }), this.minutes),
      h('label', {}, this.device, h('span', { 'data-i18n': 'shelf.device' })),
      this.submitButton,
    );
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.shelve();
    });
    this.unshelveButton.addEventListener('click', () => void this.unshelve());
    this.el.append(
      h('h3', { 'data-i18n': 'shelf.title' }),
      this.state,
      this.unshelveButton,
      this.form,
      this.pending,
      this.result,
    );
    this.render();
    void this.loadPending();
  }

  update(next: Alert): void {
    this.alert = next;
    this.render();
  }

  /** Labels in the current language. */
  render(): void {
    for (const el of this.el.querySelectorAll<HTMLElement>('[data-i18n]'))
      el.textContent = t(el.dataset.i18n as Parameters<typeof t>[0]);
    const a = this.alert;
    const shelved = a.shelf !== undefined && Date.parse(a.shelf.until) > Date.now();
    this.el.hidden = !isOpen(a) && !shelved;
    this.el.dataset.shelved = String(shelved);
    this.state.hidden = !shelved;
    this.unshelveButton.hidden = !shelved;
    this.form.hidden = shelved;
    this.unshelveButton.textContent = t('shelf.unshelve');
    this.submitButton.textContent = t('shelf.submit');
    if (shelved)
      this.state.textContent =
        t('shelf.state', {
          who: a.shelf!.by,
          until: formatDateTime(a.shelf!.until),
          reason: a.shelf!.reason,
        }) + (a.shelf!.confirmedBy ? t('shelf.confirmedBy', { who: a.shelf!.confirmedBy }) : '');
  }

  private async run(action: () => Promise<void>): Promise<void> {
    this.result.textContent = '';
    try {
      await action();
    } catch (err) {
      this.result.textContent = t('shelf.failed', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  private shelve(): Promise<void> {
    return this.run(async () => {
      const reason = this.reason.value.trim();
      if (!reason) {
        this.reason.focus();
        return;
      }
      const path = this.device.checked
        ? `/api/devices/${encodeURIComponent(this.alert.device)}/shelve`
        : `/api/alerts/${encodeURIComponent(this.alert.id)}/shelve`;
      const answer = await this.api.post<ShelveResult>(path, {
        reason,
        minutes: Number(this.minutes.value),
        severity: this.alert.severity,
      });
      for (const a of answer.shelved) this.store.upsertAlert(a);
      const mine = answer.shelved.find((a) => a.id === this.alert.id);
      if (mine) this.update(mine);
      if (answer.request) this.result.textContent = t('shelf.requested');
      this.reason.value = '';
    });
  }

  private unshelve(): Promise<void> {
    return this.run(async () => {
      const back = await this.api.post<Alert>(
        `/api/alerts/${encodeURIComponent(this.alert.id)}/unshelve`,
        {},
      );
      this.store.upsertAlert(back);
      this.update(back);
    });
  }

  /** Requests of other operators to shelve this alert: each with a button to confirm it. */
  private async loadPending(): Promise<void> {
    try {
      const { requests } = await this.api.get<{ requests: ShelfRequest[] }>('/api/shelves');
      const mine = requests.filter((r) => r.alerts.some((a) => a.id === this.alert.id));
      this.pending.replaceChildren(
        ...mine.map((r) => {
          const confirm = h('button', { type: 'button', 'data-role': 'shelf-confirm' }, t('shelf.confirm'));
          confirm.addEventListener(
            'click',
            () =>
              void this.run(async () => {
                const answer = await this.api.post<ShelveResult>(`/api/shelves/requests/${r.id}/confirm`, {});
                for (const a of answer.shelved) this.store.upsertAlert(a);
                const shelved = answer.shelved.find((a) => a.id === this.alert.id);
                if (shelved) this.update(shelved);
                this.pending.replaceChildren();
              }),
          );
          return h(
            'p',
            {},
            t('shelf.pending', { who: r.by, minutes: r.minutes, reason: r.reason }),
            ' ',
            confirm,
          );
        }),
      );
    } catch (err) {
      this.result.textContent = t('shelf.failed', {
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
}
