import { Inject, Injectable } from '@nestjs/common';
import { AlertChangedError, AlertNotFoundError, deviceOfAlertId } from '@lg/alerts';
import type { Alert, DutyContact, NotificationDelivery } from '@lg/contracts';
import type { Principal } from '@lg/auth';
import { DeliveryStore, linkValid, parseLinkToken } from '@lg/notifications';
import { Registry } from '@lg/registry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayRedis } from '../infra/redis';
import { AlertsService } from './alerts.service';

/** What an acknowledgement link comes to (the page says it in words). */
export type LinkOutcome =
  | { t: 'invalid' }
  | { t: 'gone'; alertId: string }
  | { t: 'ready'; alert: Alert; contact: DutyContact }
  | { t: 'acknowledged'; alert: Alert; contact: DutyContact; byThisLink: boolean }
  | { t: 'changed'; alert: Alert; contact: DutyContact };

/**
 * The notifications of an alert (as its viewer may see it) and the acknowledgement links of the messages.
 * A link acknowledges through the same store call as the dashboard's button, so the acknowledgement goes
 * out on `/live` to every dashboard the same way.
 */
@Injectable()
export class NotificationsService {
  private readonly deliveries: DeliveryStore;

  constructor(
    private readonly redis: GatewayRedis,
    private readonly alerts: AlertsService,
    private readonly registry: Registry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.deliveries = new DeliveryStore(redis.commands, redis.names);
  }

  async forAlert(principal: Principal, id: string): Promise<NotificationDelivery[]> {
    await this.alerts.get(principal, id);
    return this.deliveries.forAlert(id);
  }

  /**
   * Checks a link: its MAC against the person now at that place of the chain of the alert's device (named
   * by the alert ID itself, so that a link is checked the same way whether its alert exists or not: an
   * unsigned prober learns nothing about which alerts exist).
   */
  async check(token: string): Promise<LinkOutcome> {
    const parsed = parseLinkToken(token);
    if (!parsed) return { t: 'invalid' };
    const deviceId = deviceOfAlertId(parsed.alertId);
    const device = deviceId ? this.registry.device(deviceId) : undefined;
    const contact = device ? this.registry.chainOf(device)[parsed.step]?.unit.duty[parsed.index] : undefined;
    if (!contact || !linkValid(this.config.NOTIFY_LINK_SECRET, parsed, contact)) return { t: 'invalid' };
    const alert = await this.redis.alerts.get(parsed.alertId);
    if (!alert) return { t: 'gone', alertId: parsed.alertId };
    if (alert.acknowledged) return { t: 'acknowledged', alert, contact, byThisLink: false };
    return { t: 'ready', alert, contact };
  }

  /**
   * Acknowledges as the link's person. A company's contact takes a truck alert as its company does (a red
   * one only for the company); a contact of the chain (grid, community, street, district) for the command
   * centre. `seen` is the severity the page showed: a raise since then is refused, as on the dashboard.
   */
  async acknowledge(token: string, seen: Alert['severity'] | undefined): Promise<LinkOutcome> {
    const checked = await this.check(token);
    if (checked.t !== 'ready') return checked;
    const step = parseLinkToken(token)!.step;
    const device = this.registry.device(checked.alert.device)!;
    const level = this.registry.chainOf(device)[step].level;
    const by = `${checked.contact.name}${checked.contact.role ? `（${checked.contact.role}）` : ''}`.slice(
      0,
      64,
    );
    try {
      const alert = await this.redis.alerts.acknowledge(
        checked.alert.id,
        by,
        'acknowledged from the notification link',
        Date.now(),
        level === 'company' ? 'company' : 'district',
        seen,
      );
      return { t: 'acknowledged', alert, contact: checked.contact, byThisLink: true };
    } catch (err) {
      if (err instanceof AlertNotFoundError) return { t: 'gone', alertId: checked.alert.id };
      if (err instanceof AlertChangedError)
        return { t: 'changed', alert: err.alert, contact: checked.contact };
      throw err;
    }
  }
}
