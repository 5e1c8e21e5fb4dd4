import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { isoPeriod, linkOfflineWithin, type PlatformLinkView } from '@lg/contracts';
import type { Principal } from '@lg/auth';
import { Registry } from '@lg/registry';
import type { LinkQuery } from '../contract/links.queries';
import { LinkHistory } from '../infra/link-history';

export interface LinksView {
  from: string;
  to: string;
  links: PlatformLinkView[];
}

/**
 * The company platforms' links as each user may see them: a company user its own company's only (another
 * is 403), an operator every company's.
 */
@Injectable()
export class LinksService {
  constructor(
    private readonly registry: Registry,
    private readonly history: LinkHistory,
  ) {}

  /** Every company's (a company user: its own) current state and offline time in the period. */
  async list(principal: Principal, q: LinkQuery): Promise<LinksView> {
    const companies =
      principal.role === 'company' ? [principal.company] : this.registry.allCompanies().map((c) => c.id);
    const links = await Promise.all(companies.map((c) => this.view(c, q.from, q.to, false)));
    return { ...isoPeriod(q.from, q.to), links };
  }

  /** One company's, with its changes in the period. */
  async one(principal: Principal, company: string, q: LinkQuery): Promise<PlatformLinkView> {
    if (principal.role === 'company' && principal.company !== company)
      throw new ForbiddenException(`a company user sees only its own company (${principal.company})`);
    if (!this.registry.company(company)) throw new NotFoundException(`no transport company ${company}`);
    return this.view(company, q.from, q.to, true);
  }

  private async view(
    company: string,
    from: number,
    to: number,
    withChanges: boolean,
  ): Promise<PlatformLinkView> {
    const [before, changes, newest] = await Promise.all([
      this.history.stateBefore(company, from),
      this.history.within(company, from, to),
      this.history.stateBefore(company, Number.MAX_SAFE_INTEGER),
    ]);
    const { offlineMs, drops } = linkOfflineWithin(before?.state, changes, from, to);
    return {
      company,
      state: newest?.state ?? 'unknown',
      ...(newest ? { since: new Date(newest.at).toISOString() } : {}),
      offlineMs,
      drops,
      ...(withChanges && before ? { before: before.state } : {}),
      ...(withChanges
        ? { changes: changes.map((c) => ({ company, state: c.state, at: new Date(c.at).toISOString() })) }
        : {}),
    };
  }
}
