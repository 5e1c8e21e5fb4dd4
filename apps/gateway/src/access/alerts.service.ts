import { ConflictException, ForbiddenException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AlertChangedError, AlertNotFoundError, type AlertFilter } from '@lg/alerts';
import { parseCause, type Alert, type AlertTransition, type Severity } from '@lg/contracts';
import { canSee, type Principal } from '@lg/auth';
import { GatewayRedis } from '../infra/redis';
import { ReadingsStore } from '../infra/readings';
import type { AlertQuery } from '../contract/queries';
import { MAX_BULK_ACK, type BulkAckBody } from '../contract/bulk-ack.queries';
import { acknowledgeTogether, ackScope } from './acknowledge-together';

/** What a bulk acknowledgement did. */
export interface BulkAckResult {
  acknowledged: string[];
  /** Chosen by ID but not taken, with why: red (one by one), not cleared, changed meanwhile, not found. */
  skipped: { id: string; reason: 'red' | 'active' | 'changed' | 'missing' }[];
  /** More alerts match the filter than one request takes. */
  more: boolean;
}

/**
 * Alerts as one user may see them: operators all of them, a company only its own trucks' alerts. An alert
 * the user may not see is answered exactly like one that does not exist (404), so that no other company's
 * alert can be told apart from a wrong ID.
 */
@Injectable()
export class AlertsService {
  private readonly logger = new Logger('alerts');

  constructor(
    private readonly redis: GatewayRedis,
    private readonly readings: ReadingsStore,
  ) {}

  /** The part of every filter that a user's role imposes. */
  static scope(principal: Principal): Pick<AlertFilter, 'kind' | 'owners'> {
    return principal.role === 'operator' ? {} : { kind: 'truck', owners: new Set([principal.company]) };
  }

  async list(principal: Principal, q: AlertQuery): Promise<Alert[]> {
    if (principal.role === 'company') {
      if (q.kind !== undefined && q.kind !== 'truck') {
        throw new ForbiddenException('kind: slope and gas alerts are for operators only');
      }
      if (q.owner !== undefined && q.owner !== principal.company) {
        throw new ForbiddenException(
          `owner: a company user sees only its own company (${principal.company})`,
        );
      }
      // A cause it could never see held alerts of is refused like another owner; ingest down may hold its
      // own trucks' alerts, listed within its scope.
      const cause = q.cause === undefined ? undefined : parseCause(q.cause);
      if (cause?.t === 'link' && cause.company !== principal.company) {
        throw new ForbiddenException(
          `cause: a company user sees only its own company's link (link:${principal.company})`,
        );
      }
      if (cause?.t === 'gateway') {
        throw new ForbiddenException('cause: gateways hold slope and gas alerts, for operators only');
      }
    }
    return this.redis.alerts.list({ ...q, ...AlertsService.scope(principal) });
  }

  /** Open alerts the user may see, newest first (the `alerts` event on connect). */
  open(principal: Principal): Promise<Alert[]> {
    return this.redis.alerts.open(AlertsService.scope(principal));
  }

  async get(principal: Principal, id: string): Promise<Alert> {
    const alert = await this.redis.alerts.get(id);
    if (!alert || !canSee(principal, alert)) throw new NotFoundException(`alert ${id} not found`);
    return alert;
  }

  /**
   * An operator acknowledges for the command centre. A company user takes its own truck's alert; a red
   * one only for its company (`companyAck`): the command centre must still take it (docs/contract.md).
   * 409 when the alert was raised or reopened while being acknowledged, or is above `seenSeverity`.
   */
  async acknowledge(
    principal: Principal,
    id: string,
    note: string | undefined,
    seenSeverity?: Severity,
  ): Promise<Alert> {
    await this.get(principal, id);
    const scope = ackScope(principal);
    try {
      const alert = await this.redis.alerts.acknowledge(
        id,
        principal.username,
        note,
        Date.now(),
        scope,
        seenSeverity,
      );
      // A person's action on an alert: one line, with the alert's ID to find its transitions by.
      this.logger.log({
        msg: 'alert acknowledged',
        alert: id,
        by: principal.username,
        scope,
        severity: alert.severity,
      });
      return alert;
    } catch (err) {
      if (err instanceof AlertNotFoundError) throw new NotFoundException(`alert ${id} not found`);
      if (err instanceof AlertChangedError) throw new ConflictException(err.message);
      throw err;
    }
  }

  /**
   * Takes many cleared alerts at once with one note (the flood's aftermath: a hundred offline alerts that
   * cleared when the network came back). Only cleared, unacknowledged alerts the user may see; never a red
   * one, which is taken one by one. Each goes through the alert's own acknowledgement, as seen now.
   */
  async acknowledgeCleared(principal: Principal, body: BulkAckBody): Promise<BulkAckResult> {
    const skipped: BulkAckResult['skipped'] = [];
    let candidates: Alert[];
    let more = false;
    if (body.ids) {
      const found = await this.redis.alerts.getMany([...new Set(body.ids)]);
      candidates = [];
      for (const id of new Set(body.ids)) {
        const a = found.get(id);
        if (!a || !canSee(principal, a)) skipped.push({ id, reason: 'missing' });
        else if (a.active) skipped.push({ id, reason: 'active' });
        else if (!a.acknowledged) candidates.push(a);
      }
    } else {
      if (principal.role === 'company' && body.owner !== undefined && body.owner !== principal.company)
        throw new ForbiddenException(
          `owner: a company user sees only its own company (${principal.company})`,
        );
      // Never a held alert: nobody was shown it (a client lists it under its cause), so taking it by a
      // filter would acknowledge what no person saw. One closes by itself, taken by `system`.
      const listed = await this.redis.alerts.list({
        active: false,
        acknowledged: false,
        held: false,
        ...(body.kind ? { kind: body.kind } : {}),
        ...(body.owner ? { owner: body.owner } : {}),
        ...(body.severity ? { severity: body.severity } : {}),
        ...AlertsService.scope(principal),
        limit: MAX_BULK_ACK + 1,
      });
      candidates = listed.filter(
        (a) => (body.rule === undefined || a.rule === body.rule) && a.severity !== 'red',
      );
      more = candidates.length > MAX_BULK_ACK;
      candidates = candidates.slice(0, MAX_BULK_ACK);
    }
    const taken = await acknowledgeTogether(this.redis.alerts, principal, body.note, candidates, {
      gone: 'missing',
    });
    return { acknowledged: taken.acknowledged, skipped: [...skipped, ...taken.skipped], more };
  }

  async history(principal: Principal, id: string): Promise<AlertTransition[]> {
    await this.get(principal, id);
    return this.readings.alertHistory(id);
  }
}
