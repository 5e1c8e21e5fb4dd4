import { z } from 'zod';
import { SEVERITIES, severityRank, zonesAt, type Severity } from '@lg/contracts';
import type { RestrictedZone, ZoneType } from '@lg/registry';
import { defineRule } from '../rule';
import { inAnyWindow } from '../local-time';

/**
 * truck.restricted_zone — a hazmat truck inside a restricted zone of the registry (a tunnel closed to
 * hazmat traffic, a water-source protection area, a school zone), counted only while the zone's ban holds:
 * zones with time windows (Asia/Shanghai local time, windows may wrap midnight) are open outside them.
 * Entry is confirmed by `enterFixes` (2) consecutive qualified fixes inside, or by fixes inside spanning
 * `enterSec` (10 s), whichever comes first, so a single jittered fix never fires. Fires with the zone's
 * severity (default `defaultSeverity`, red) and names the zone. Temporary closures drawn by the command
 * centre (`ctx.closures`) count as zones while in force (their validity, in event time); clears when the truck has been outside
 * every banned zone for `exitSec` (10 s), counted from the first fix outside. Inside two zones at once,
 * the most severe one is named.
 */
export const truckRestrictedZoneConfig = z
  .object({
    /** Consecutive fixes inside that confirm an entry. */
    enterFixes: z.number().int().min(1).max(100),
    /** …or time inside, seconds, between the first and the latest fix inside. */
    enterSec: z.number().nonnegative().max(3600),
    /** Seconds outside before the alert clears. */
    exitSec: z.number().nonnegative().max(3600),
    /** Severity for zones that do not set their own. */
    defaultSeverity: z.enum(SEVERITIES),
  })
  .strict();

export type TruckRestrictedZoneConfig = z.infer<typeof truckRestrictedZoneConfig>;

export interface TruckRestrictedZoneState {
  /** The zone the open alert names, null when there is no alert. */
  zone: string | null;
  /** Entry being confirmed: event time of the first fix inside and how many fixes in a row. */
  pendingSince: number | null;
  pendingFixes: number;
  /** Alerting: event time of the first fix outside. */
  outsideSince: number | null;
}

const TYPE_NAMES: Record<ZoneType, string> = {
  tunnel: '禁行隧道',
  water_source: '水源保护区',
  school: '学校区域',
  other: '禁行区域',
  closure: '临时封闭区域',
};

const severityOf = (zone: RestrictedZone, c: TruckRestrictedZoneConfig): Severity =>
  zone.severity ?? c.defaultSeverity;

/** A temporary closure holds only inside its validity (event time); registry zones have none. */
const inValidity = (ts: number, zone: RestrictedZone): boolean =>
  (zone.validFrom === undefined || ts >= zone.validFrom) && (zone.validTo === undefined || ts < zone.validTo);

const windowsText = (zone: RestrictedZone): string | null =>
  zone.windows && zone.windows.length > 0 ? zone.windows.map((w) => `${w.from}–${w.to}`).join('、') : null;

export const truckRestrictedZone = defineRule<TruckRestrictedZoneState, TruckRestrictedZoneConfig>({
  name: 'truck.restricted_zone',
  kinds: ['truck'],
  defaults: { enterFixes: 2, enterSec: 10, exitSec: 10, defaultSeverity: 'red' },
  configSchema: truckRestrictedZoneConfig,
  initial: () => ({ zone: null, pendingSince: null, pendingFixes: 0, outsideSince: null }),
  evaluate(state, reading, c, ctx) {
    const { lat, lon } = reading.f;
    if (reading.q !== 'ok' || typeof lat !== 'number' || typeof lon !== 'number') return { state };
    const ts = reading.ts;
    let hit: RestrictedZone | undefined;
    const consider = (zone: RestrictedZone) => {
      if (!inAnyWindow(ts, zone.windows) || !inValidity(ts, zone)) return;
      if (!hit || severityRank(severityOf(zone, c)) > severityRank(severityOf(hit, c))) hit = zone;
    };
    for (const zone of zonesAt(lat, lon, ctx.registry.zones())) consider(zone);
    // Temporary closures drawn by the command centre (few; each is a bounding check before its polygon).
    if (ctx.closures) for (const zone of zonesAt(lat, lon, ctx.closures)) consider(zone);

    const fire = (zone: RestrictedZone, pendingSince: number | null, pendingFixes: number) => {
      const windows = windowsText(zone);
      return {
        state: { zone: zone.id, pendingSince, pendingFixes, outsideSince: null },
        signal: {
          type: 'fire' as const,
          severity: severityOf(zone, c),
          value: zone.name,
          threshold: windows,
          message:
            `危化品车辆驶入${TYPE_NAMES[zone.type]}「${zone.name}」` +
            (windows ? `（禁行时段 ${windows}）` : ''),
          location: { lat, lon },
        },
      };
    };

    if (state.zone === null) {
      if (!hit) return { state: { ...state, pendingSince: null, pendingFixes: 0 } };
      const pendingSince = state.pendingSince ?? ts;
      const pendingFixes = state.pendingFixes + 1;
      if (pendingFixes >= c.enterFixes || ts - pendingSince >= c.enterSec * 1000) {
        return fire(hit, pendingSince, pendingFixes);
      }
      return { state: { ...state, pendingSince, pendingFixes } };
    }
    if (hit) {
      // Moving on into another banned zone: the alert follows it (its severity and name).
      if (hit.id !== state.zone) return fire(hit, state.pendingSince, state.pendingFixes);
      return { state: { ...state, outsideSince: null } };
    }
    const outsideSince = state.outsideSince ?? ts;
    if (ts - outsideSince < c.exitSec * 1000) return { state: { ...state, outsideSince } };
    const left =
      ctx.registry.zones().find((zone) => zone.id === state.zone) ??
      ctx.closures?.find((zone) => zone.id === state.zone);
    return {
      state: { zone: null, pendingSince: null, pendingFixes: 0, outsideSince: null },
      signal: {
        type: 'clear',
        value: left?.name ?? state.zone,
        message: `危化品车辆已驶离「${left?.name ?? state.zone}」`,
      },
    };
  },
});
