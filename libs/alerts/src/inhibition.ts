import type { Alert, AlertTransition, CauseState, DeviceKind, Escalation } from '@lg/contracts';
import { gatewayCause, linkCause, parseCause } from '@lg/contracts';
import type { RuleSignal } from '@lg/rules';
import { INGEST_DOWN_RULE } from './ingest-cause';
import { applySignal, type AlertSubject, type LifecycleResult } from './lifecycle';

/**
 * Inhibition of consequential alarms (docs/rules.md, "Inhibition"): when a known cause explains a device's
 * silence — its company platform's link is down — the device's offline alert is held back under the cause
 * instead of being raised to operators. Pure decisions here; the worker applies them when an offline alert
 * opens and when a held alert's timer comes (never per reading).
 */

/** The rules whose alerts a cause may explain: they fire on silence, which a lost link produces. */
export const INHIBITABLE_RULES: ReadonlySet<string> = new Set([
  'device.offline',
  'truck.offline',
  'truck.moved_offline',
]);

/** The rule of the one alert that stands for a company platform's link being down. */
export const LINK_DOWN_RULE = 'platform.link_down';
/** The rule of the one alert that stands for a site or network gateway being offline. */
export const GATEWAY_OFFLINE_RULE = 'gateway.offline';

/** How inhibition behaves (the worker's `INHIBIT_*` settings). */
export interface InhibitionSettings {
  /**
   * After a cause clears, its held alerts stay held this long, ms: a device that reports within it closes
   * its alert quietly, one still silent after it is raised normally. Offline alerts that open within it
   * (devices catching up) are held too.
   */
  graceMs: number;
  /** While a cause is down, how often a held alert looks at it again, ms. */
  recheckMs: number;
}

export const DEFAULT_INHIBITION: InhibitionSettings = { graceMs: 120_000, recheckMs: 30_000 };

/** Every cause's state as last loaded, by cause ID. */
export type CauseIndex = ReadonlyMap<string, CauseState>;

/**
 * The cause that may explain a device's silence, or none: a truck's is its company platform's link, a
 * slope sensor's or gas detector's the gateway that carries it (`gateway`, from the registry).
 */
export function inhibitingCauseOf(
  device: { kind: DeviceKind; owner: string },
  gateway?: string,
): string | undefined {
  if (device.kind === 'truck') return linkCause(device.owner);
  return gateway !== undefined ? gatewayCause(gateway) : undefined;
}

/** Does this cause hold back an offline alert opening at `nowMs`? While down, and for the grace after. */
export function holds(cause: CauseState | undefined, nowMs: number, s: InhibitionSettings): boolean {
  if (!cause) return false;
  return cause.state === 'down' || nowMs < cause.since + s.graceMs;
}

/** What becomes of a held alert when its timer comes: held until a later look, or released now. */
export type HeldDecision = { t: 'hold'; until: number } | { t: 'release' };

export function heldDecision(
  cause: CauseState | undefined,
  nowMs: number,
  s: InhibitionSettings,
): HeldDecision {
  // A cause nobody records any more (its state was removed) explains nothing: safety first, raise it.
  if (!cause) return { t: 'release' };
  if (cause.state === 'down') return { t: 'hold', until: nowMs + s.recheckMs };
  const end = cause.since + s.graceMs;
  return nowMs < end ? { t: 'hold', until: end } : { t: 'release' };
}

/** The opening of an offline alert, held under a cause: the alert and its `opened` transition name it. */
export function hold(change: LifecycleResult, cause: string): LifecycleResult {
  return {
    alert: { ...change.alert, inhibitedBy: cause },
    transition: { ...change.transition, inhibitedBy: cause },
  };
}

/**
 * A held alert whose device reported again closes quietly: cleared and taken by `system`, so nobody has
 * to acknowledge what the cause explained (its history keeps both).
 */
export function closeQuietly(change: LifecycleResult): LifecycleResult {
  const { alert, transition } = change;
  const note = `cleared while held under ${alert.inhibitedBy ?? 'its cause'}: closed without being raised`;
  return {
    alert: { ...alert, acknowledged: true, ackedAt: alert.updatedAt, ackedBy: 'system', note },
    transition: { ...transition, acknowledged: true, note },
  };
}

/** Is this transition a held alert's quiet close (see {@link closeQuietly})? */
export function isQuietClose(alert: Alert, transition: AlertTransition): boolean {
  return (
    alert.inhibitedBy !== undefined &&
    transition.type === 'cleared' &&
    alert.acknowledged &&
    alert.ackedBy === 'system'
  );
}

/**
 * A held alert the cause no longer explains (the cause cleared and the grace passed, and the device is
 * still silent): raised normally from now, its escalation starting afresh.
 */
export function release(alert: Alert, nowMs: number): LifecycleResult {
  const at = new Date(Math.max(nowMs, Date.parse(alert.updatedAt))).toISOString();
  const { inhibitedBy, ...rest } = alert;
  const released: Alert = { ...rest, updatedAt: at, escalation: { ...alert.escalation, since: at } };
  return {
    alert: released,
    transition: {
      alertId: alert.id,
      type: 'released',
      at,
      by: 'system',
      severity: alert.severity,
      active: alert.active,
      acknowledged: alert.acknowledged,
      value: alert.value,
      note: `no longer held under ${inhibitedBy ?? 'its cause'}: raised`,
      ...(alert.incident !== undefined ? { incident: alert.incident } : {}),
    },
  };
}

/**
 * What a cause's own alert is about: `platform.link_down` on the company (owner and "device" both the
 * company), or `gateway.offline` on the gateway (owner the site or network, "device" the gateway ID).
 * Undefined for a cause of another shape.
 */
export function causeSubject(
  cause: string,
  gatewayOwner: (gateway: string) => { owner: string; kind: DeviceKind } | undefined,
  district?: string,
): AlertSubject | undefined {
  // Ingest down: the district's (operators only: a company sees trucks of its own, and this is no truck).
  // The kind is nominal; `device` names the component.
  const ref = parseCause(cause);
  if (ref?.t === 'ingest')
    return district !== undefined
      ? { rule: INGEST_DOWN_RULE, kind: 'gas', owner: district, device: 'ingest' }
      : undefined;
  if (ref?.t === 'link')
    return { rule: LINK_DOWN_RULE, kind: 'truck', owner: ref.company, device: ref.company };
  if (ref?.t === 'gateway') {
    const owner = gatewayOwner(ref.gateway);
    return owner
      ? { rule: GATEWAY_OFFLINE_RULE, kind: owner.kind, owner: owner.owner, device: ref.gateway }
      : undefined;
  }
  return undefined;
}

/**
 * The cause's own alert, as a pure step of the lifecycle: opened (orange) when the cause goes down,
 * cleared when it comes back. Null when nothing changes.
 */
export function causeAlertChange(
  current: Alert | undefined,
  cause: string,
  subject: AlertSubject,
  state: CauseState,
  escalation: (since: string) => Escalation,
): LifecycleResult | null {
  const what =
    subject.rule === INGEST_DOWN_RULE
      ? {
          down: '平台接入中断：接入服务未在接收设备数据，指挥中心看不到任何设备；设备离线告警暂缓，归于本告警之下',
          up: '平台接入已恢复：接入服务重新接收设备数据',
        }
      : subject.rule === LINK_DOWN_RULE
        ? {
            down: `企业平台链路中断：${subject.owner} 的车辆离线告警暂缓，归于本告警之下`,
            up: `企业平台链路已恢复：${subject.owner}`,
          }
        : {
            down: `网关离线：${subject.device}（${subject.owner}）所接设备的离线告警暂缓，归于本告警之下`,
            up: `网关已恢复：${subject.device}`,
          };
  const signal: RuleSignal =
    state.state === 'down'
      ? {
          type: 'fire',
          severity: subject.rule === INGEST_DOWN_RULE ? 'red' : 'orange',
          value: 'offline',
          threshold: null,
          message: what.down,
        }
      : { type: 'clear', value: 'online', message: what.up };
  const at = current ? Math.max(state.since, Date.parse(current.updatedAt)) : state.since;
  const change = applySignal(current, subject, signal, at, escalation);
  if (!change) return null;
  return { alert: { ...change.alert, cause }, transition: change.transition };
}
