import { ConflictException, ForbiddenException, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { AlertChangedError, AlertNotFoundError, type AlertFilter } from '@lg/alerts';
import type { Alert, AlertTransition, Severity } from '@lg/contracts';
import { canSee, type Principal } from '@lg/auth';
import { GatewayRedis } from '../infra/redis';
import { ReadingsStore } from '../infra/readings';
import type { AlertQuery } from '../contract/queries';

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
    const scope = principal.role === 'operator' ? 'district' : 'company';
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

  async history(principal: Principal, id: string): Promise<AlertTransition[]> {
    await this.get(principal, id);
    return this.readings.alertHistory(id);
  }
}
