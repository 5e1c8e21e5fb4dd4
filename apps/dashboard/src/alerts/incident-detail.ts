import type { Api } from '../api';
import { h } from '../dom';
import { label, localMessage, t } from '../i18n';
import type { Store } from '../state';
import { formatDateTime } from '../time';
import type { Alert, IncidentAckResult } from '../types';
import { compareAlerts, isOpen, isTaken } from './order';
import { severityRank } from '@lg/contracts/alert';

export interface IncidentDetailDeps {
  store: Store;
  api: Api;
  showAlert: (alert: Alert) => void;
}

/**
 * One incident in the drawer: its members, counted live from the alerts this screen holds, each opening its
 * own alert; and one acknowledgement with one note for every member (`POST /api/incidents/{id}/ack`). Red
 * members are listed but never taken in bulk: the server leaves them, and the result says so.
 */
export class IncidentDetail {
  readonly el = h('div', { class: 'detail incident-detail', 'data-role': 'incident-detail' });
  private readonly facts = h('div', { class: 'detail-facts' });
  private readonly members = h('ul', { class: 'incident-members', 'data-role': 'incident-members' });
  private readonly form = h('form', { class: 'ack-form' });
  private readonly note = h('textarea', { maxlength: 500, rows: 2, 'data-role': 'incident-ack-note' });
  private readonly button = h('button', { type: 'submit', 'data-role': 'incident-ack' });
  private readonly result = h('p', { class: 'result', role: 'status', 'data-role': 'incident-ack-result' });
  private lastResult: IncidentAckResult | undefined;
  private error = '';

  constructor(
    readonly id: string,
    private readonly d: IncidentDetailDeps,
  ) {
    this.el.dataset.incident = id;
    this.form.append(this.note, this.button, this.result);
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    this.el.append(this.facts, this.form, this.members);
    this.update();
  }

  private memberAlerts(): Alert[] {
    return [...this.d.store.alerts.values()].filter((a) => a.incident === this.id).sort(compareAlerts);
  }

  /** The alerts changed, or the language. */
  update(): void {
    const all = this.memberAlerts();
    const role = this.d.store.user.role;
    const open = all.filter(isOpen);
    const unacked = all.filter((a) => !isTaken(a, role));
    const red = open.filter((a) => a.severity === 'red').length;
    this.facts.replaceChildren(
      h('h2', {}, t('incident.title', { n: all.length })),
      h(
        'p',
        { 'data-role': 'incident-counts' },
        t('incident.counts', { open: open.length, unacked: unacked.length, red }),
      ),
      ...(red > 0 ? [h('p', { class: 'warning' }, t('incident.redApart'))] : []),
    );
    this.members.replaceChildren(
      ...all.map((a) => {
        const item = h(
          'li',
          {
            class: `incident-member sev-${a.severity} ${isTaken(a, role) ? 'acked' : 'unacked'}`,
            'data-alert-id': a.id,
            'data-acknowledged': String(a.acknowledged),
          },
          h('b', {}, this.d.store.deviceLabel(a.device)),
          ' ',
          label('rule', a.rule),
          ' · ',
          label('sev', a.severity),
          ' · ',
          localMessage(a.message),
          ' · ',
          formatDateTime(a.openedAt),
        );
        item.addEventListener('click', () => this.d.showAlert(a));
        return item;
      }),
    );
    this.button.textContent = t('incident.ack');
    this.form.hidden = unacked.filter((a) => a.severity !== 'red').length === 0 && !this.lastResult;
    this.result.textContent = this.error
      ? t('alert.ackFailed', { error: this.error })
      : this.lastResult
        ? t('incident.ackResult', {
            acked: this.lastResult.acknowledged.length,
            skipped: this.lastResult.skipped.length,
          })
        : '';
  }

  private async submit(): Promise<void> {
    this.button.disabled = true;
    this.error = '';
    try {
      // The highest severity the person saw: a member raised above it since is left to be looked at.
      const seen = this.memberAlerts()
        .filter((a) => a.severity !== 'red')
        .reduce<Alert['severity']>(
          (top, a) => (severityRank(a.severity) > severityRank(top) ? a.severity : top),
          'blue',
        );
      const note = this.note.value.trim();
      this.lastResult = await this.d.api.post<IncidentAckResult>(
        `/api/incidents/${encodeURIComponent(this.id)}/ack`,
        { ...(note ? { note } : {}), severity: seen },
      );
      this.note.value = '';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    } finally {
      this.button.disabled = false;
      this.update();
    }
  }
}
