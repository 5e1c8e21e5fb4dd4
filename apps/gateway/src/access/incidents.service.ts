import { Injectable, NotFoundException } from '@nestjs/common';
import { IncidentStore } from '@lg/alerts';
import {
  isOpen,
  severityRank,
  type IncidentAckResult,
  type IncidentView,
  type Severity,
} from '@lg/contracts';
import { canSee, type Principal } from '@lg/auth';
import { GatewayRedis } from '../infra/redis';
import type { IncidentQuery } from '../contract/incidents.queries';
import { acknowledgeTogether } from './acknowledge-together';

/**
 * Incidents as one user may see them: operators every one, a company only its own trucks' (an incident of
 * trucks always belongs to one company: the grouping keeps companies apart). An incident the user may not
 * see is answered like one that does not exist.
 */
@Injectable()
export class IncidentsService {
  private readonly store: IncidentStore;

  constructor(private readonly redis: GatewayRedis) {
    this.store = new IncidentStore(redis.commands, redis.names, redis.alerts);
  }

  async list(principal: Principal, q: IncidentQuery): Promise<IncidentView[]> {
    const scoped = principal.role === 'company' ? { owners: new Set([principal.company]) } : {};
    const views = await this.store.list({
      ...scoped,
      open: q.open,
      minSize: q.minSize,
      limit: q.limit,
    });
    return views.filter((v) => visible(principal, v));
  }

  async get(principal: Principal, id: string): Promise<IncidentView> {
    const view = await this.store.view(id, true);
    if (!view || !visible(principal, view)) throw new NotFoundException(`incident ${id} not found`);
    return view;
  }

  /**
   * Acknowledges every open, unacknowledged member through the alerts' own acknowledgement, with one note.
   * A red member is left for a person to take on its own (it is on every screen as itself), and so is one
   * above `seenSeverity` (raised since the person looked) or changed while being acknowledged. A company
   * user's acknowledgement is its company's, as for one alert.
   */
  async acknowledge(
    principal: Principal,
    id: string,
    note: string | undefined,
    seenSeverity?: Severity,
  ): Promise<IncidentAckResult> {
    const view = await this.get(principal, id);
    const members = (view.alerts ?? []).filter(
      (alert) => !alert.acknowledged && isOpen(alert) && canSee(principal, alert),
    );
    const { acknowledged, skipped } = await acknowledgeTogether(this.redis.alerts, principal, note, members, {
      gone: 'closed',
      leave: (alert) =>
        seenSeverity && severityRank(alert.severity) > severityRank(seenSeverity) ? 'raised' : undefined,
    });
    const incident = await this.get(principal, id);
    return { incident, acknowledged, skipped };
  }
}

function visible(principal: Principal, v: IncidentView): boolean {
  if (principal.role === 'operator') return true;
  return v.kind !== undefined && v.owner !== undefined && canSee(principal, { kind: v.kind, owner: v.owner });
}
