import { z } from 'zod';
import { SEVERITIES, type HazardArea, type HazardHit } from '@lg/contracts';
import { defineRule, type RuleSignal } from '../rule';

/**
 * truck.near_hazard — a hazmat truck inside a hazard area (an active red slope alert: its site and the
 * buildings to evacuate; an active orange or red gas alert: its detector), or heading into one within
 * `lookaheadSec` (180 s) at its speed and heading. Fires `insideSeverity` (red) inside and
 * `approachSeverity` (orange) when heading in, naming the hazard; the alert follows the truck from heading
 * in to inside, or to another hazard. Clears when the truck's qualified fixes have shown it clear of every
 * hazard for `exitSec` (10 s), or at once when the hazard it names ends: a truck with an open alert asks
 * for a tick every `recheckSec` (5 s), so that the end of a hazard clears it even if it sends nothing.
 * Below `minSpeedKmh` (5 km/h) the heading is noise and only "inside" counts. The areas' radii are
 * `gasOrangeM` (100 m), `gasRedM` (300 m) and `slopeRedM` (150 m) (ERG guide 115 isolates a gas leak at
 * least 100 m), taken when the hazard's alert opens or changes (see `hazardAreaOf`).
 */
export const truckNearHazardConfig = z
  .object({
    lookaheadSec: z.number().nonnegative().max(1800),
    minSpeedKmh: z.number().nonnegative().max(160),
    exitSec: z.number().nonnegative().max(3600),
    recheckSec: z.number().min(1).max(3600),
    insideSeverity: z.enum(SEVERITIES),
    approachSeverity: z.enum(SEVERITIES),
    gasOrangeM: z.number().positive().max(5000),
    gasRedM: z.number().positive().max(5000),
    slopeRedM: z.number().positive().max(5000),
  })
  .strict();

export type TruckNearHazardConfig = z.infer<typeof truckNearHazardConfig>;

export interface TruckNearHazardState {
  /** The hazard area (its alert's ID) the open alert names; null when there is no alert. */
  hazard: string | null;
  /** Its name, to say which hazard ended after it is gone. */
  name: string | null;
  inside: boolean;
  /** Alerting: event time of the first fix clear of every hazard. */
  clearSince: number | null;
  /** Alerting: when the hazard was last checked (a fix or a tick), for the next tick. */
  checkedAt: number;
}

const KIND_NAMES: Record<HazardArea['kind'], string> = { slope: '边坡', gas: '燃气泄漏' };
const LEVEL_NAMES: Record<string, string> = { blue: '蓝色', yellow: '黄色', orange: '橙色', red: '红色' };

const describe = (area: HazardArea): string =>
  `${KIND_NAMES[area.kind]}${LEVEL_NAMES[area.severity]}预警「${area.name}」`;

function fire(hit: HazardHit, c: TruckNearHazardConfig, lat: number, lon: number): RuleSignal {
  const inside = hit.etaSec === 0;
  return {
    type: 'fire',
    severity: inside ? c.insideSeverity : c.approachSeverity,
    value: hit.area.name,
    threshold: inside ? 0 : Math.round(hit.distanceM),
    message: inside
      ? `危化品车辆位于${describe(hit.area)}危险区域内（半径 ${hit.area.radiusM} m），请立即驶离`
      : `危化品车辆约 ${Math.max(1, Math.round(hit.etaSec / 60))} 分钟后驶入${describe(hit.area)}危险区域（距 ${Math.round(hit.distanceM)} m），请绕行`,
    location: { lat, lon },
  };
}

const idle = (): TruckNearHazardState => ({
  hazard: null,
  name: null,
  inside: false,
  clearSince: null,
  checkedAt: 0,
});

export const truckNearHazard = defineRule<TruckNearHazardState, TruckNearHazardConfig>({
  name: 'truck.near_hazard',
  kinds: ['truck'],
  defaults: {
    lookaheadSec: 180,
    minSpeedKmh: 5,
    exitSec: 10,
    recheckSec: 5,
    insideSeverity: 'red',
    approachSeverity: 'orange',
    gasOrangeM: 100,
    gasRedM: 300,
    slopeRedM: 150,
  },
  configSchema: truckNearHazardConfig,
  initial: idle,
  evaluate(state, reading, c, ctx) {
    const { lat, lon, speed, heading } = reading.f;
    if (reading.q !== 'ok' || typeof lat !== 'number' || typeof lon !== 'number') return { state };
    const hazards = ctx.hazards;
    // No hazard anywhere (the usual case): nothing to compute, and an alert whose hazard ended clears.
    if (state.hazard === null && (!hazards || hazards.size === 0)) return { state };
    const moving = typeof speed === 'number' && typeof heading === 'number' && speed >= c.minSpeedKmh;
    const hit = hazards?.find({
      lat,
      lon,
      speedKmh: moving ? speed : undefined,
      headingDeg: moving ? heading : undefined,
      lookaheadSec: c.lookaheadSec,
    });
    const ts = reading.ts;
    if (hit) {
      const inside = hit.etaSec === 0;
      const next: TruckNearHazardState = {
        hazard: hit.area.id,
        name: hit.area.name,
        inside,
        clearSince: null,
        checkedAt: ts,
      };
      // Signal only on a change (a new hazard, or from heading in to inside and back), like the zone rule.
      if (state.hazard === hit.area.id && state.inside === inside) return { state: next };
      return { state: next, signal: fire(hit, c, lat, lon) };
    }
    if (state.hazard === null) return { state };
    const ended = !hazards?.get(state.hazard);
    const clearSince = state.clearSince ?? ts;
    if (!ended && ts - clearSince < c.exitSec * 1000)
      return { state: { ...state, clearSince, checkedAt: ts } };
    return {
      state: idle(),
      signal: {
        type: 'clear',
        value: state.name,
        message: ended ? `「${state.name}」危险区域已解除` : `危化品车辆已远离「${state.name}」危险区域`,
      },
    };
  },
  deadline(state, c) {
    return state.hazard === null ? null : state.checkedAt + c.recheckSec * 1000;
  },
  tick(state, now, _c, ctx) {
    if (state.hazard === null) return { state };
    if (ctx.hazards?.get(state.hazard)) return { state: { ...state, checkedAt: now } };
    return {
      state: idle(),
      signal: { type: 'clear', value: state.name, message: `「${state.name}」危险区域已解除` },
    };
  },
});
