import type { Api } from '../api';
import { byId } from '../dom';
import { onLangChange } from '../i18n';
import type { Principal } from '../types';
import { renderAlarmLoad } from './alarm-load-page';
import { ConsolePage } from './console-page';
import { renderDigest } from './digest-page';
import type { PlatformLinkChange } from '@lg/contracts/platform-link';
import type { Period } from './periods';
import { renderPlayback } from './playback';
import { renderCompany, renderRanking, type ScorecardNav } from './scorecard-page';
import type { DutyCheckView, RejectionRecord } from './types';

const PERIOD_KEY = 'lg.ws.period';

/**
 * The transport companies' workspace beside the live monitor: the scorecard (`#/scorecard`, a company
 * user straight to its own page), a company and a truck with their evidence (`#/scorecard/C01/T001`), and
 * the integration console (`#/console`). `#/` or no hash is the monitor. Pages are rendered from the API;
 * the console also from `/live`.
 */
export class Workspace {
  private readonly view = byId('workspace-view');
  private readonly monitor = byId('app-view');
  private readonly console: ConsolePage;
  private period: Period = 'day';
  private rendering = 0;
  /** Stops a running playback when the page changes. */
  private stopPlayback: () => void = () => undefined;

  constructor(
    private readonly api: Api,
    private readonly user: Principal,
  ) {
    this.console = new ConsolePage(api, user);
    try {
      const p = sessionStorage.getItem(PERIOD_KEY);
      if (p === 'day' || p === 'week' || p === 'month') this.period = p;
    } catch {
      // private mode
    }
    for (const b of document.querySelectorAll<HTMLElement>('#nav [data-nav]')) {
      // The alarm load is the command centre's own: not offered to a company's users.
      b.hidden = b.dataset.nav === '#/alarm-load' && user.role !== 'operator';
      b.addEventListener('click', () => this.go(b.dataset.nav ?? '#/'));
    }
    window.addEventListener('hashchange', () => this.route());
    onLangChange(() => this.route());
    this.route();
  }

  onRejection(r: RejectionRecord): void {
    this.console.addRejection(r);
  }

  onLink(change: PlatformLinkChange): void {
    this.console.onLink(change);
  }

  onDutyCheck(c: DutyCheckView): void {
    this.console.updateCheck(c);
  }

  go(hash: string): void {
    if (location.hash === hash) this.route();
    else location.hash = hash;
  }

  private nav(): ScorecardNav {
    return {
      go: (hash) => this.go(hash),
      period: () => this.period,
      setPeriod: (p) => {
        this.period = p;
        try {
          sessionStorage.setItem(PERIOD_KEY, p);
        } catch {
          // private mode
        }
      },
    };
  }

  private route(): void {
    const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
    const page = parts[0] ?? '';
    const pages = ['scorecard', 'console', 'playback', 'alarm-load', 'digest'];
    document.body.dataset.page = pages.includes(page) ? page : 'monitor';
    this.stopPlayback();
    for (const b of document.querySelectorAll<HTMLElement>('#nav [data-nav]'))
      b.setAttribute('aria-pressed', String(b.dataset.nav === `#/${page}`));
    if (page !== 'console') this.console.close();
    if (!pages.includes(page)) {
      this.view.hidden = true;
      this.monitor.hidden = false;
      window.dispatchEvent(new Event('resize'));
      return;
    }
    this.monitor.hidden = true;
    this.view.hidden = false;
    const run = ++this.rendering;
    const done = (p: Promise<void>) =>
      p
        .then(() => {
          if (run === this.rendering) this.view.dataset.rendered = location.hash;
        })
        .catch((err: unknown) => {
          if (run === this.rendering)
            this.view.textContent = err instanceof Error ? err.message : String(err);
        });
    delete this.view.dataset.rendered;
    if (page === 'console') {
      void done(this.console.open(this.view));
      return;
    }
    if (page === 'alarm-load' && this.user.role === 'operator') {
      void done(renderAlarmLoad(this.view, this.api));
      return;
    }
    if (page === 'digest') {
      // A company user's digest is its own company's (the API refuses any other).
      const scope = this.user.role === 'company' ? this.user.company : parts[1];
      void done(renderDigest(this.view, this.api, this.user, (hash) => this.go(hash), scope, parts[2]));
      return;
    }
    if (page === 'playback' && parts[1]) {
      const hours = Number(parts[2] ?? 1);
      void done(
        renderPlayback(this.view, this.api, parts[1], [1, 6, 24].includes(hours) ? hours : 1).then((stop) => {
          this.stopPlayback = stop;
        }),
      );
      return;
    }
    // A company user has one page: its own (any other address leads there).
    const company = this.user.role === 'company' ? this.user.company : parts[1];
    if (this.user.role === 'company' && parts[1] !== company) {
      this.go(`#/scorecard/${company}`);
      return;
    }
    if (!company) void done(renderRanking(this.view, this.api, this.nav()));
    else void done(renderCompany(this.view, this.api, this.nav(), company, parts[2]));
  }
}
