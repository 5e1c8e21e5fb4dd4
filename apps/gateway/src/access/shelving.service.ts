import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  AlertChangedError,
  AlertNotFoundError,
  mayConfirm,
  mayShelve,
  shelfOf,
  ShelfStore,
  type ShelfRequest,
} from '@lg/alerts';
import { severityRank, type Alert, type Severity } from '@lg/contracts';
import { canSee, type Principal } from '@lg/auth';
import { GatewayRedis } from '../infra/redis';
import { MAX_SHELVED_LISTED, type ShelveBody } from '../contract/shelving.queries';
import { requireOperator } from './operators';

/** Refused to everyone but the command centre's operators. */
const SHELVING_FOR_OPERATORS = 'shelving is for the command centre’s operators only';

export interface ShelveResult {
  shelved: Alert[];
  request?: ShelfRequest;
}

/** The highest severity among alerts (what an operator saw of a device). */
function highest(alerts: readonly Alert[]): Severity {
  return alerts.reduce<Severity>(
    (h, a) => (severityRank(a.severity) > severityRank(h) ? a.severity : h),
    'blue',
  );
}

/**
 * Shelving (docs/rules.md, "Shelving"): the command centre's operators shelve a nuisance alert, or a device's
 * open alerts, for a stated time with a reason; a red one waits for a second, different operator. A company's
 * users only see their own trucks' shelved alerts.
 */
@Injectable()
export class ShelvingService {
  readonly store: ShelfStore;

  constructor(private readonly redis: GatewayRedis) {
    this.store = new ShelfStore(redis.commands, redis.names, redis.alerts);
  }

  async shelveAlert(principal: Principal, id: string, body: ShelveBody): Promise<ShelveResult> {
    requireOperator(principal, SHELVING_FOR_OPERATORS);
    const alert = await this.redis.alerts.get(id);
    if (!alert) throw new NotFoundException(`alert ${id} not found`);
    return this.shelve(principal, [alert], body);
  }

  async shelveDevice(principal: Principal, device: string, body: ShelveBody): Promise<ShelveResult> {
    requireOperator(principal, SHELVING_FOR_OPERATORS);
    const alerts = await this.redis.alerts.open({ device });
    if (alerts.length === 0) throw new ConflictException(`device ${device} has no open alert to shelve`);
    return this.shelve(principal, alerts, body, device);
  }

  private async shelve(
    principal: Principal,
    alerts: Alert[],
    body: ShelveBody,
    device?: string,
  ): Promise<ShelveResult> {
    const decision = mayShelve(alerts, body.minutes);
    if (!decision.ok)
      throw decision.status === 400
        ? new BadRequestException(decision.error)
        : new ConflictException(decision.error);
    if (body.severity !== undefined && severityRank(highest(alerts)) > severityRank(body.severity))
      throw new ConflictException(
        `raised to ${highest(alerts)} since you looked (${body.severity}): look again before shelving`,
      );
    const now = Date.now();
    if (decision.needsConfirmation) {
      try {
        const request = await this.store.request(
          {
            alerts: alerts.map((a) => ({ id: a.id, severity: a.severity })),
            ...(device !== undefined ? { device } : {}),
            by: principal.username,
            reason: body.reason,
            minutes: body.minutes,
          },
          now,
        );
        return { shelved: [], request };
      } catch (err) {
        if (err instanceof RangeError) throw new ConflictException(err.message);
        throw err;
      }
    }
    const shelved = await this.apply(
      alerts.map((a) => ({ id: a.id, severity: a.severity })),
      principal.username,
      body.reason,
      body.minutes,
      now,
      { ...(device !== undefined ? { device: true } : {}) },
    );
    return { shelved };
  }

  /** Shelves each alert as seen; one raised or closed meanwhile is left (it must be seen as it is now). */
  private async apply(
    alerts: { id: string; severity: Severity }[],
    by: string,
    reason: string,
    minutes: number,
    now: number,
    extra: { confirmedBy?: string; device?: boolean },
  ): Promise<Alert[]> {
    const shelved: Alert[] = [];
    const changed: string[] = [];
    for (const a of alerts) {
      try {
        shelved.push(
          await this.store.shelve(a.id, a.severity, (c) => shelfOf(c, by, reason, minutes, now, extra), now),
        );
      } catch (err) {
        if (err instanceof AlertChangedError || err instanceof AlertNotFoundError) changed.push(a.id);
        else throw err;
      }
    }
    if (shelved.length === 0 && changed.length > 0)
      throw new ConflictException(`${changed.join(', ')}: raised or closed since seen; look again`);
    return shelved;
  }

  async confirm(principal: Principal, requestId: string): Promise<ShelveResult> {
    requireOperator(principal, SHELVING_FOR_OPERATORS);
    const now = Date.now();
    const request = (await this.store.pending(now)).find((r) => r.id === requestId);
    if (!request)
      throw new NotFoundException(`shelf request ${requestId} not found (confirmed, lapsed or never made)`);
    const refusal = mayConfirm(request, principal.username, now);
    if (refusal) throw new ConflictException(refusal);
    // Only one confirmation takes it; a second one meanwhile finds it gone.
    try {
      await this.store.take(requestId);
    } catch {
      throw new NotFoundException(`shelf request ${requestId} was confirmed meanwhile`);
    }
    const shelved = await this.apply(request.alerts, request.by, request.reason, request.minutes, now, {
      confirmedBy: principal.username,
      ...(request.device !== undefined ? { device: true } : {}),
    });
    return { shelved };
  }

  async unshelve(principal: Principal, id: string): Promise<Alert> {
    requireOperator(principal, SHELVING_FOR_OPERATORS);
    try {
      const alert = await this.store.unshelve(id, principal.username, 'unshelved by hand', Date.now());
      if (!alert) throw new ConflictException(`alert ${id} is not shelved`);
      return alert;
    } catch (err) {
      if (err instanceof AlertNotFoundError) throw new NotFoundException(`alert ${id} not found`);
      throw err;
    }
  }

  async list(principal: Principal): Promise<{ alerts: Alert[]; requests: ShelfRequest[] }> {
    const alerts = (await this.store.shelved(MAX_SHELVED_LISTED)).filter((a) => canSee(principal, a));
    const requests = principal.role === 'operator' ? await this.store.pending(Date.now()) : [];
    return { alerts, requests };
  }
}
