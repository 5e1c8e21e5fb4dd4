import { ForbiddenException, Injectable } from '@nestjs/common';
import type { RejectionRecord } from '@lg/contracts';
import type { Principal } from '@lg/auth';
import { Registry } from '@lg/registry';
import type { RejectionQuery, RejectionSummaryQuery } from '../contract/rejections.queries';
import { RejectionHistory } from '../infra/rejection-history';
import { compareIds, summariseRejections, type RejectionSummary } from './rejection-summary';

export interface RejectionsView {
  rejections: RejectionRecord[];
  /** More matched than `limit`. */
  more: boolean;
}

/**
 * The refused messages kept per owner, as each user may see them: a company user its own company's only
 * (another owner is 403), an operator every owner's, or one with `owner`.
 */
@Injectable()
export class RejectionsService {
  constructor(
    private readonly registry: Registry,
    private readonly history: RejectionHistory,
  ) {}

  async list(principal: Principal, q: RejectionQuery): Promise<RejectionsView> {
    const owners = this.ownersFor(principal, q.owner);
    const filter = {
      ...(q.device !== undefined ? { device: q.device } : {}),
      ...(q.reason !== undefined ? { reason: q.reason } : {}),
    };
    const pages = await Promise.all(owners.map((o) => this.history.newest(o, q.from, q.to, filter, q.limit)));
    const merged = pages.flatMap((p) => p.records).sort((a, b) => compareIds(b.id, a.id));
    return {
      rejections: merged.slice(0, q.limit),
      more: merged.length > q.limit || pages.some((p) => p.more),
    };
  }

  async summary(principal: Principal, q: RejectionSummaryQuery): Promise<RejectionSummary> {
    const owners = this.ownersFor(principal, q.owner);
    const records: RejectionRecord[] = [];
    for (const owner of owners) records.push(...(await this.history.all(owner, q.from, q.to)));
    return summariseRejections(records, q.from, q.to);
  }

  private ownersFor(principal: Principal, owner: string | undefined): string[] {
    if (principal.role === 'company') {
      if (owner !== undefined && owner !== principal.company)
        throw new ForbiddenException(
          `owner: a company user sees only its own company (${principal.company})`,
        );
      return [principal.company];
    }
    if (owner !== undefined) return this.registry.isOwner(owner) ? [owner] : [];
    return this.registry.owners();
  }
}
