import type { Api } from '../api';
import { h } from '../dom';
import { t } from '../i18n';
import { formatDateTime } from '../time';
import type { PlatformLinkChange, PlatformLinkView } from '@lg/contracts/platform-link';

interface Principal {
  role: 'operator' | 'company';
  company?: string;
}

/**
 * The company platforms' links in the integration console: each one's state (a company user: its own),
 * the time offline and the drops of the last 24 h, and one company's up/down timeline. `/live` `link`
 * events reload it, so a drop shows within a moment.
 */
export class LinksPanel {
  readonly el = h('div', { id: 'platform-links' });
  private selected: string | undefined;

  constructor(
    private readonly api: Api,
    private readonly user: Principal,
  ) {
    this.selected = user.role === 'company' ? user.company : undefined;
  }

  async open(): Promise<void> {
    const list = await this.api.get<{ links: PlatformLinkView[] }>('/api/links');
    const one = this.selected
      ? await this.api.get<PlatformLinkView>(`/api/links/${encodeURIComponent(this.selected)}`)
      : undefined;
    this.paint(list.links, one);
  }

  /** A change from `/live`: the figures are the server's, fetched again. */
  onChange(_change: PlatformLinkChange): void {
    if (this.el.isConnected) void this.open().catch(() => undefined);
  }

  private paint(links: PlatformLinkView[], one: PlatformLinkView | undefined): void {
    const rows = links.map((l) => {
      const tr = h(
        'tr',
        { 'data-company': l.company, 'data-state': l.state, class: 'ws-link-row' },
        h('td', {}, l.company),
        h('td', {}, h('span', { class: `ws-status link-${l.state}` }, stateText(l.state))),
        h('td', {}, l.since ? formatDateTime(l.since) : '—'),
        h('td', {}, offlineText(l.offlineMs)),
        h('td', {}, String(l.drops)),
      );
      tr.addEventListener('click', () => {
        this.selected = l.company;
        void this.open().catch(() => undefined);
      });
      return tr;
    });
    this.el.replaceChildren(
      h('p', { class: 'ws-muted' }, t('ws.link.help')),
      h(
        'table',
        { class: 'ws-table', id: 'link-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...(
              [
                'ws.link.company',
                'ws.link.state',
                'ws.link.since',
                'ws.link.offline',
                'ws.link.drops',
              ] as const
            ).map((k) => h('th', {}, t(k))),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
      ...(one ? [this.timeline(one)] : []),
    );
  }

  /** The day as a bar: offline spans in red, online in green, before the first status grey. */
  private timeline(one: PlatformLinkView): HTMLElement {
    const to = Date.now();
    const from = to - 86_400_000;
    const changes = one.changes ?? [];
    const bar = h('div', { class: 'ws-link-bar', id: 'link-timeline' });
    let state: string = one.before ?? 'unknown';
    let at = from;
    const span = (until: number, s: string) => {
      if (until <= at) return;
      const part = h('span', { class: `link-${s}` });
      // Through the CSSOM: the page's content security policy refuses inline style attributes.
      part.style.width = `${((until - at) / (to - from)) * 100}%`;
      bar.append(part);
      at = until;
    };
    for (const c of changes) {
      span(Math.max(from, Date.parse(c.at)), state);
      state = c.state;
    }
    span(to, state);
    return h(
      'div',
      {},
      h('h4', {}, t('ws.link.timeline', { company: one.company })),
      bar,
      h(
        'ul',
        { class: 'ws-link-changes' },
        ...changes
          .slice(-50)
          .reverse()
          .map((c) => h('li', { 'data-state': c.state }, `${formatDateTime(c.at)} · ${stateText(c.state)}`)),
      ),
    );
  }
}

function stateText(state: PlatformLinkView['state']): string {
  return t(state === 'online' ? 'ws.link.online' : state === 'offline' ? 'ws.link.down' : 'ws.link.unknown');
}

/** Under a minute in seconds (a short drop must not read as none), else in minutes. */
function offlineText(ms: number): string {
  return ms < 60_000
    ? t('ws.link.seconds', { s: Math.round(ms / 1000) })
    : t('ws.link.minutes', { m: Math.round(ms / 60_000) });
}
