import { byId, h, setOptions, text } from '../dom';
import { label, onLangChange, t } from '../i18n';
import { schedule } from '../scheduler';
import type { DeviceState, Store } from '../state';
import { formatAge, formatDateTime } from '../time';
import type { DeviceKind } from '../types';
import { VirtualList } from '../vlist';
import { cssPixels } from '../alerts/list';

export type DeviceStatus = 'online' | 'offline' | 'fault';

/** Fault wins over presence: a faulty detector is online and still blind. */
export function statusOf(d: DeviceState, faulty: ReadonlySet<string>): DeviceStatus {
  if (faulty.has(d.id)) return 'fault';
  return d.online ? 'online' : 'offline';
}

const KINDS: DeviceKind[] = ['truck', 'slope', 'gas'];

/** Device status: counts per kind (online, offline, fault) and the devices with their last report. */
export class DeviceStatusPanel {
  private readonly list: VirtualList<DeviceState>;
  private readonly kindSelect = byId<HTMLSelectElement>('device-filter-kind');
  private readonly stateSelect = byId<HTMLSelectElement>('device-filter-state');
  private readonly search = byId<HTMLInputElement>('device-search');
  private faulty: ReadonlySet<string> = new Set();
  private selected: string | undefined;

  constructor(
    private readonly store: Store,
    onSelect: (id: string) => void,
  ) {
    this.list = new VirtualList<DeviceState>(byId('device-list'), {
      name: 'device-list',
      rowHeight: () => cssPixels('--device-row-h', 36),
      key: (d) => d.id,
      render: (row, d) => this.renderRow(row, d),
      onSelect: (d) => onSelect(d.id),
    });
    this.fillFilters();
    for (const sel of [this.kindSelect, this.stateSelect])
      sel.addEventListener('change', () => this.invalidate());
    this.search.addEventListener('input', () => this.invalidate());
    this.kindSelect.hidden = !store.isOperator;
    onLangChange(() => {
      this.fillFilters();
      this.invalidate();
    });
    for (const topic of ['devices', 'alerts'] as const) store.on(topic, () => this.invalidate());
    // Last-seen times of moving trucks change every second; the list need not follow that closely.
    store.on('positions', () => this.list.invalidate());
    window.setInterval(() => this.list.invalidate(), 10_000);
    this.invalidate();
  }

  select(id: string | undefined): void {
    this.selected = id;
    this.list.invalidate();
  }

  invalidate(): void {
    schedule('device-status', () => this.render());
  }

  private kinds(): DeviceKind[] {
    return this.store.isOperator ? KINDS : ['truck'];
  }

  private fillFilters(): void {
    setOptions(this.kindSelect, [
      ['', t('status.allKinds')],
      ...this.kinds().map((k): [string, string] => [k, label('kind', k)]),
    ]);
    setOptions(this.stateSelect, [
      ['', t('status.allStates')],
      ['online', t('status.online')],
      ['offline', t('status.offline')],
      ['fault', t('status.fault')],
    ]);
  }

  private render(): void {
    this.faulty = this.store.faultyDevices();
    const counts = new Map<DeviceKind, Record<DeviceStatus | 'total', number>>();
    for (const k of this.kinds()) counts.set(k, { total: 0, online: 0, offline: 0, fault: 0 });
    const kind = this.kindSelect.value;
    const state = this.stateSelect.value;
    const needle = this.search.value.trim().toLowerCase();
    const found = (d: DeviceState) =>
      !needle || [d.id, d.plate, d.name].some((v) => v !== undefined && v.toLowerCase().includes(needle));
    const shown: DeviceState[] = [];
    for (const d of this.store.devices.values()) {
      const st = statusOf(d, this.faulty);
      const c = counts.get(d.kind);
      if (c) {
        c.total++;
        c[st]++;
      }
      if ((!kind || d.kind === kind) && (!state || st === state) && found(d)) shown.push(d);
    }
    const rank: Record<DeviceStatus, number> = { fault: 0, offline: 1, online: 2 };
    shown.sort(
      (a, b) => rank[statusOf(a, this.faulty)] - rank[statusOf(b, this.faulty)] || (a.id < b.id ? -1 : 1),
    );
    this.list.setItems(shown);

    const body = byId('device-counts').querySelector('tbody');
    if (!body) return;
    body.replaceChildren(
      ...[...counts].map(([k, c]) =>
        h(
          'tr',
          { 'data-kind': k },
          h('th', {}, label('kind', k)),
          h('td', { 'data-count': 'total' }, c.total),
          h('td', { class: 'ok', 'data-count': 'online' }, c.online),
          h('td', { class: c.offline ? 'warn' : '', 'data-count': 'offline' }, c.offline),
          h('td', { class: c.fault ? 'bad' : '', 'data-count': 'fault' }, c.fault),
        ),
      ),
    );
  }

  private renderRow(row: HTMLElement, d: DeviceState): void {
    if (!row.firstChild) {
      row.append(
        h('i', { class: 'dot' }),
        h('span', { class: 'dev-id' }),
        h('span', { class: 'dev-name' }),
        h('span', { class: 'dev-owner' }),
        h('time', { class: 'dev-seen' }),
      );
    }
    const st = statusOf(d, this.faulty);
    row.className = `vrow device-row ${d.kind} ${st}${d.id === this.selected ? ' selected' : ''}`;
    row.dataset.device = d.id;
    row.dataset.status = st;
    const q = (cls: string) => row.querySelector(`.${cls}`) as HTMLElement;
    q('dot').title = t(`status.${st}`);
    text(q('dev-id'), d.id);
    text(q('dev-name'), d.plate ?? d.name ?? '');
    text(q('dev-owner'), this.store.name(d.owner));
    const seen = q('dev-seen');
    text(seen, d.lastSeen ? formatAge(d.lastSeen, Date.now()) : t('status.never'));
    seen.title = d.lastSeen ? formatDateTime(d.lastSeen) : '';
  }
}
