import type { Api } from '../api';
import { h } from '../dom';
import { label, localMessage, t, type MessageKey } from '../i18n';
import type { Store } from '../state';
import { formatDateTime } from '../time';
import type { Alert, AlertTransition, Building, NotificationDelivery, Severity } from '../types';
import { LocationQuery } from './locate';
import { compareAlerts, isOpen, isTaken } from './order';
import { ShelfControls } from './shelving';

export interface AlertDetailDeps {
  store: Store;
  api: Api;
  /** Takes the alert as the person saw it (`severity`): refused when it was raised meanwhile. */
  acknowledge: (id: string, note: string | undefined, severity: Severity) => Promise<Alert>;
  showDevice: (id: string) => void;
  /** Operators may send a truck's driver a text through its JT/T 808 terminal (from a truck alert). */
  operator: boolean;
}

/** `POST /api/devices/{id}/text` (docs/jt808.md): whether and how the terminal answered. */
interface TextSent {
  answered: boolean;
  /** 0 success, 1 failure, 2 message error, 3 not supported. */
  result?: number;
}

/**
 * One alert in the drawer: what, where and since when; the escalation level with the duty contacts to
 * call; the actions (buildings to evacuate for a red slope); the acknowledgement form; and the history of
 * its transitions (`GET /api/alerts/{id}/history`), reloaded when the alert changes.
 */
export class AlertDetail {
  readonly el = h('div', { class: 'detail alert-detail' });
  private readonly facts = h('div', { class: 'detail-facts' });
  private readonly ack = h('form', { class: 'ack-form' });
  private readonly note = h('textarea', { name: 'note', maxlength: 500, rows: 2, 'data-role': 'ack-note' });
  private readonly ackButton = h('button', { type: 'submit', 'data-role': 'ack' });
  private readonly ackError = h('p', { class: 'error', role: 'alert' });
  private readonly history = h('div', { class: 'history' });
  /** On a cause's alert: the alerts it holds back (docs/dashboard.md, "Held alerts"). */
  private readonly held = h('section', { class: 'held', 'data-role': 'held' });
  /** Who was told, how, and where each message stands (`GET /api/alerts/{id}/notifications`). */
  private readonly deliveries = h('div', { class: 'deliveries', 'data-role': 'deliveries' });
  private readonly driverForm = h('form', { class: 'driver-text', 'data-role': 'driver-text' });
  private readonly driverText = h('textarea', { maxlength: 400, rows: 2, 'data-role': 'driver-text-body' });
  private readonly driverButton = h('button', { type: 'submit', 'data-role': 'driver-text-send' });
  private readonly driverResult = h('p', {
    class: 'result',
    role: 'status',
    'data-role': 'driver-text-result',
  });
  /** 位置查询 (operators, truck alerts): the terminal's own answer to where it is now. */
  private readonly locate: LocationQuery | undefined;
  /** Shelving a nuisance alert (operators). */
  private readonly shelving: ShelfControls | undefined;
  private historyTimer: number | undefined;
  /** Deliveries move on (queued → sent) without the alert changing: looked at again while open. */
  private deliveriesTimer: number | undefined;
  private closed = false;

  constructor(
    private alert: Alert,
    private readonly d: AlertDetailDeps,
  ) {
    this.el.dataset.alertId = alert.id;
    this.ack.append(this.note, this.ackButton, this.ackError);
    this.ack.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.submit();
    });
    // A cause's alert (a company's platform link) is on no truck: nothing to locate or text.
    const truck = alert.kind === 'truck' && alert.cause === undefined;
    if (d.operator && truck) this.locate = new LocationQuery(d.api, alert.device);
    if (d.operator) this.shelving = new ShelfControls(alert, d.api, d.store);
    this.driverForm.append(
      h('label', {}, h('span', { 'data-i18n': 'alert.driverText' }, t('alert.driverText')), this.driverText),
      this.driverButton,
      this.driverResult,
    );
    this.driverForm.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void this.sendText();
    });
    this.el.append(
      this.facts,
      this.held,
      this.ack,
      this.shelving?.el ?? '',
      // A truck's driver can be told what to do at once, where its terminal speaks JT/T 808 to the platform.
      ...(d.operator && truck ? [this.driverForm] : []),
      ...(this.locate ? [this.locate.el] : []),
      h('h3', { 'data-i18n': 'alert.history' }, t('alert.history')),
      this.history,
      h('h3', { 'data-i18n': 'alert.notifications' }, t('alert.notifications')),
      this.deliveries,
    );
    this.render();
    void this.loadHistory();
    this.deliveriesTimer = window.setInterval(() => void this.loadDeliveries(), 5000);
  }

  get id(): string {
    return this.alert.id;
  }

  /** A newer copy of the alert arrived (from this screen or another), or the alerts it holds changed. */
  update(next: Alert): void {
    this.renderHeld();
    if (
      next.updatedAt === this.alert.updatedAt &&
      next.acknowledged === this.alert.acknowledged &&
      next.companyAck === this.alert.companyAck
    )
      return;
    this.alert = next;
    this.shelving?.update(next);
    this.render();
    window.clearTimeout(this.historyTimer);
    this.historyTimer = window.setTimeout(() => void this.loadHistory(), 300);
  }

  /** The language changed. */
  refresh(): void {
    this.render();
    void this.loadHistory();
  }

  /**
   * The alerts a cause holds back, counted and listed live from what this screen holds: they are not in
   * the alert list or on the map, only here, until they are released or close by themselves.
   */
  private renderHeld(): void {
    const cause = this.alert.cause;
    this.held.hidden = cause === undefined;
    if (cause === undefined) return;
    const { store } = this.d;
    const held = [...store.alerts.values()]
      .filter((x) => x.inhibitedBy === cause && isOpen(x))
      .sort(compareAlerts);
    this.held.replaceChildren(
      h('h3', {}, t('held.title', { n: held.length })),
      h('p', { class: 'hint' }, t('held.hint')),
      h(
        'ul',
        { class: 'held-list', 'data-role': 'held-list' },
        ...held.map((x) =>
          h(
            'li',
            { 'data-alert-id': x.id, class: `sev-${x.severity}` },
            `${store.deviceLabel(x.device)} · ${label('rule', x.rule)} · ${formatDateTime(x.openedAt)}`,
          ),
        ),
      ),
    );
  }

  close(): void {
    this.closed = true;
    window.clearTimeout(this.historyTimer);
    window.clearInterval(this.deliveriesTimer);
  }

  private render(): void {
    const a = this.alert;
    const { store } = this.d;
    this.el.className = `detail alert-detail sev-${a.severity} ${a.acknowledged ? 'acked' : 'unacked'}`;
    this.el.dataset.acknowledged = String(a.acknowledged);
    const row = (key: Parameters<typeof t>[0], ...value: Array<Node | string>) =>
      h('div', { class: 'fact' }, h('dt', {}, t(key)), h('dd', {}, ...value));
    const deviceLink = h(
      'button',
      { type: 'button', class: 'link', 'data-role': 'show-device' },
      store.deviceLabel(a.device),
    );
    deviceLink.addEventListener('click', () => this.d.showDevice(a.device));
    const facts = h(
      'dl',
      {},
      row('alert.device', deviceLink, ` ${a.device !== store.deviceLabel(a.device) ? a.device : ''}`),
      row('alert.owner', store.name(a.owner)),
      row('alert.value', fmtValue(a.value)),
      row('alert.threshold', fmtValue(a.threshold)),
      row('alert.opened', formatDateTime(a.openedAt)),
      row('alert.updated', formatDateTime(a.updatedAt)),
    );
    if (a.clearedAt) facts.append(row('alert.cleared', formatDateTime(a.clearedAt)));
    if (a.acknowledged) {
      facts.append(
        row(
          'alert.acked',
          t('alert.ackedBy', { who: a.ackedBy ?? '', time: a.ackedAt ? formatDateTime(a.ackedAt) : '' }),
          ...(a.note ? [h('br'), h('q', { class: 'note' }, a.note)] : []),
        ),
      );
    }
    if (a.companyAck) {
      facts.append(
        row(
          'alert.companyAcked',
          t('alert.ackedBy', { who: a.companyAck.by, time: formatDateTime(a.companyAck.at) }),
          ...(a.acknowledged ? [] : [h('br'), t('alert.awaitingDistrict')]),
          ...(a.companyAck.note ? [h('br'), h('q', { class: 'note' }, a.companyAck.note)] : []),
        ),
      );
    }
    if (a.count > 1) facts.append(row('alert.count', String(a.count)));
    if (a.location)
      facts.append(row('alert.location', `${a.location.lat.toFixed(5)}, ${a.location.lon.toFixed(5)}`));

    const esc = a.escalation;
    const escalation = h(
      'section',
      { class: 'escalation', 'data-level': esc.level },
      h('h3', {}, t('alert.escalation')),
      h(
        'p',
        { class: 'level' },
        h('b', {}, label('level', esc.level)),
        esc.unit ? ` ${store.name(esc.unit)}` : '',
        ` · ${t('alert.escalationSince', { time: formatDateTime(esc.since) })}`,
      ),
      h('h4', {}, t('alert.contacts')),
      h(
        'ul',
        { class: 'contacts' },
        ...esc.notify.map((c) =>
          h(
            'li',
            {},
            h('span', { class: 'contact-name' }, c.name),
            c.role ? h('span', { class: 'contact-role' }, c.role) : null,
            h('a', { href: `tel:${c.phone.replace(/[^0-9+]/g, '')}`, class: 'contact-phone' }, c.phone),
          ),
        ),
      ),
    );

    const buildings = new Map<string, Building>();
    for (const site of store.map.slopeSites) for (const b of site.buildings) buildings.set(b.id, b);
    const actions = a.actions?.length
      ? h(
          'section',
          { class: 'actions' },
          h('h3', {}, t('alert.actions')),
          ...a.actions.map((act) =>
            h(
              'div',
              { class: `action action-${act.type}`, 'data-action': act.type },
              h('p', {}, localMessage(act.description)),
              act.targets?.length
                ? h(
                    'ul',
                    { class: 'targets', 'aria-label': t('alert.evacuate') },
                    ...act.targets.map((id) => {
                      const b = buildings.get(id);
                      return h(
                        'li',
                        { 'data-building': id },
                        h('b', {}, b?.name ?? id),
                        b?.address ? ` ${b.address}` : '',
                        b?.occupants !== undefined ? ` · ${t('alert.occupants', { n: b.occupants })}` : '',
                      );
                    }),
                  )
                : null,
            ),
          ),
        )
      : null;

    this.facts.replaceChildren(
      h(
        'header',
        { class: 'detail-head' },
        h('span', { class: `sev-badge sev-${a.severity}` }, label('sev', a.severity)),
        h('h2', {}, label('rule', a.rule)),
        h(
          'span',
          { class: 'chips' },
          h(
            'span',
            { class: `chip ${a.active ? 'active' : 'cleared'}` },
            a.active ? t('state.active') : t('state.cleared'),
          ),
          h(
            'span',
            { class: `chip ${a.acknowledged ? 'acked' : 'unacked'}`, 'data-role': 'ack-state' },
            a.acknowledged ? t('state.acked') : t('state.unacked'),
          ),
        ),
      ),
      h('p', { class: 'message' }, localMessage(a.message)),
      facts,
      escalation,
      actions ?? '',
    );
    this.ack.hidden = isTaken(a, store.user.role);
    this.note.placeholder = t('alert.note');
    this.ackButton.textContent = t('alert.ack');
    this.driverButton.textContent = t('alert.driverTextSend');
    this.driverForm.querySelector('[data-i18n="alert.driverText"]')!.textContent = t('alert.driverText');
    this.locate?.relabel();
    this.shelving?.render();
    this.renderHeld();
  }

  /**
   * Runs one of the form's actions with its button disabled meanwhile; `out` is cleared first and shows a
   * failure in the words of `failed`.
   */
  private async act(
    button: HTMLButtonElement,
    out: HTMLElement,
    failed: MessageKey,
    action: () => Promise<void>,
  ): Promise<void> {
    button.disabled = true;
    out.textContent = '';
    try {
      await action();
    } catch (err) {
      out.textContent = t(failed, { error: err instanceof Error ? err.message : String(err) });
    } finally {
      button.disabled = false;
    }
  }

  private submit(): Promise<void> {
    return this.act(this.ackButton, this.ackError, 'alert.ackFailed', async () => {
      const note = this.note.value.trim();
      const acked = await this.d.acknowledge(this.alert.id, note || undefined, this.alert.severity);
      this.d.store.upsertAlert(acked);
      this.update(acked);
      this.note.value = '';
    });
  }

  private async sendText(): Promise<void> {
    const text = this.driverText.value.trim();
    if (!text) return;
    await this.act(this.driverButton, this.driverResult, 'alert.driverTextFailed', async () => {
      // From a hazard alert the message also goes to the truck's company platform (MQTT downlink), which
      // relays it to trucks whose terminals are not connected to the platform directly.
      const viaPlatform = this.alert.rule === 'truck.near_hazard';
      const answer = viaPlatform
        ? await this.d.api.post<{ terminal: TextSent | { sent: false } }>(
            `/api/alerts/${encodeURIComponent(this.alert.id)}/driver-message`,
            { text },
          )
        : undefined;
      const sent =
        answer === undefined
          ? await this.d.api.post<TextSent>(`/api/devices/${encodeURIComponent(this.alert.device)}/text`, {
              text,
            })
          : 'answered' in answer.terminal
            ? answer.terminal
            : undefined;
      if (!sent) {
        this.driverResult.textContent = t('alert.driverTextPlatform');
        this.driverText.value = '';
        return;
      }
      this.driverResult.textContent = sent.answered
        ? t('alert.driverTextAnswered', { result: label('terminalResult', String(sent.result ?? 0)) })
        : t('alert.driverTextUnanswered');
      if (sent.answered && sent.result === 0) this.driverText.value = '';
    });
  }

  private async loadHistory(): Promise<void> {
    void this.loadDeliveries();
    await this.loadTimeline(this.history, 'history', 'alert.historyEmpty', transitionRow, (error) =>
      t('alert.historyError', { error }),
    );
  }

  private loadDeliveries(): Promise<void> {
    return this.loadTimeline(
      this.deliveries,
      'notifications',
      'alert.notificationsEmpty',
      deliveryRow,
      (error) => error,
    );
  }

  /**
   * One of the alert's timelines (`GET /api/alerts/{id}/{list}`) into `into`: a row an entry, `empty`'s
   * words when there is none, the error as `failed` words it when the request fails.
   */
  private async loadTimeline<T>(
    into: HTMLElement,
    list: string,
    empty: MessageKey,
    row: (entry: T) => HTMLElement,
    failed: (error: string) => string,
  ): Promise<void> {
    try {
      const entries = await this.d.api.get<T[]>(`/api/alerts/${encodeURIComponent(this.alert.id)}/${list}`);
      if (this.closed) return;
      into.replaceChildren(
        entries.length === 0
          ? h('p', { class: 'empty' }, t(empty))
          : h('ol', { class: 'timeline' }, ...entries.map((e) => row(e))),
      );
    } catch (err) {
      if (this.closed) return;
      into.replaceChildren(
        h('p', { class: 'error' }, failed(err instanceof Error ? err.message : String(err))),
      );
    }
  }
}

function transitionRow(tr: AlertTransition): HTMLElement {
  return h(
    'li',
    { class: `sev-${tr.severity}`, 'data-transition': tr.type },
    h('time', {}, formatDateTime(tr.at)),
    h('b', {}, label('transition', tr.type)),
    h('span', { class: 'sev-label' }, label('sev', tr.severity)),
    tr.value !== null ? h('span', { class: 'value' }, fmtValue(tr.value)) : null,
    h('span', { class: 'by' }, tr.by),
    tr.note ? h('q', { class: 'note' }, tr.note) : null,
    tr.previousSeverity
      ? h('span', { class: 'from' }, t('alert.from', { sev: label('sev', tr.previousSeverity) }))
      : null,
    ...[tr.clearedAck, tr.clearedCompanyAck].map((c) =>
      c
        ? h(
            'span',
            { class: 'cleared-ack', 'data-role': 'cleared-ack' },
            t('alert.ackCleared', { who: c.by, time: formatDateTime(c.at) }),
          )
        : null,
    ),
  );
}

function deliveryRow(d: NotificationDelivery): HTMLElement {
  return h(
    'li',
    { class: `delivery state-${d.state}`, 'data-channel': d.channel, 'data-state': d.state },
    h('time', {}, formatDateTime(d.sentAt ?? d.queuedAt)),
    h('b', {}, label('channel', d.channel)),
    h('span', { class: 'to' }, `${d.contact}${d.role ? `（${d.role}）` : ''} ${d.to}`),
    h('span', { class: 'level' }, `${label('level', d.level)} ${d.unit}`),
    h('span', { class: 'state' }, label('delivery', d.state)),
    d.alerts > 1 ? h('span', { class: 'grouped' }, t('alert.notificationsGrouped', { n: d.alerts })) : null,
    d.reason ? h('span', { class: 'reason' }, d.reason) : null,
  );
}

function fmtValue(v: number | string | null): string {
  if (v === null) return '—';
  return typeof v === 'number' ? String(Math.round(v * 100) / 100) : v;
}
