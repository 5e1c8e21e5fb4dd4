import { bearingDeg, distanceM, offsetM, type LatLon } from './geo';
import { pointAt, polyline, positionAt, type Polyline } from './polyline';
import { clamp, gaussian, round, uniform, type Random } from './random';
import type { Route } from './routes';

/**
 * A hazmat truck shuttling along a route: it accelerates to a cruising speed under the road's limit, stops
 * now and then (lights, junctions) with the engine on, parks at each end with the ignition off (loading,
 * unloading) and drives back. Pure: time only advances through `stepTruck`, randomness only from `rng`.
 */
export type TruckPhase = 'driving' | 'stopping' | 'stopped' | 'parked';

export interface TruckParams {
  /** m/s² */
  acceleration: number;
  /** m/s², also used to stop at the route's end */
  deceleration: number;
  /** Driving time between two short stops, seconds. */
  driveBetweenStopsSec: [number, number];
  /** Short stop (lights, junctions) with the engine on, seconds. */
  shortStopSec: [number, number];
  /** Parking at each end of the route with the ignition off, seconds. */
  parkSec: [number, number];
  /**
   * After this much driving, seconds, the next park is a rest of `restSec` (at least 20 min resets the
   * fatigue count; a driver keeps well under the 2 h night limit).
   */
  restAfterSec: number;
  restSec: [number, number];
  /** How far under the road's limit the driver cruises, km/h. */
  cruiseUnderLimitKmh: [number, number];
  /** Standard deviation of the GPS fix, metres. */
  gpsNoiseM: number;
}

export const DEFAULT_TRUCK_PARAMS: TruckParams = {
  acceleration: 0.8,
  deceleration: 1.5,
  driveBetweenStopsSec: [90, 600],
  shortStopSec: [15, 90],
  parkSec: [8 * 60, 18 * 60],
  restAfterSec: 60 * 60,
  restSec: [25 * 60, 45 * 60],
  cruiseUnderLimitKmh: [5, 18],
  gpsNoiseM: 2.5,
};

export interface TruckState {
  /** Metres from the route's first point. */
  distanceM: number;
  /** 1: towards the last point; -1: back towards the first. */
  direction: 1 | -1;
  /** m/s */
  speed: number;
  phase: TruckPhase;
  /** Seconds left in the current phase (driving: until the next short stop; stopped/parked: until moving). */
  phaseLeftSec: number;
  /** Target speed while driving, m/s. */
  cruise: number;
  /** Driving (and short stops) since the last rest, seconds. */
  drivenSec: number;
}

export interface TruckModel {
  route: Route;
  line: Polyline;
  params: TruckParams;
}

/** Expressways have no lights or junctions: a truck keeps going until the end of the route. */
const NO_STOPS: [number, number] = [1e9, 1e9];

export function truckModel(route: Route, params: TruckParams = DEFAULT_TRUCK_PARAMS): TruckModel {
  const effective = route.expressway ? { ...params, driveBetweenStopsSec: NO_STOPS } : params;
  return { route, line: polyline(route.points), params: effective };
}

const KMH = 1 / 3.6;

function newCruise(model: TruckModel, rng: Random): number {
  const [lo, hi] = model.params.cruiseUnderLimitKmh;
  return (model.route.limitKmh - uniform(rng, lo, hi)) * KMH;
}

/** A truck somewhere along its route, driving. */
export function initialTruckState(model: TruckModel, rng: Random): TruckState {
  const cruise = newCruise(model, rng);
  return {
    distanceM: uniform(rng, 0.05, 0.95) * model.line.lengthM,
    direction: rng.next() < 0.5 ? 1 : -1,
    speed: cruise * uniform(rng, 0.5, 1),
    phase: 'driving',
    phaseLeftSec: uniform(rng, ...model.params.driveBetweenStopsSec),
    cruise,
    drivenSec: 0,
  };
}

/** Metres left to the end the truck is heading for. */
function remainingM(model: TruckModel, direction: 1 | -1, distanceM: number): number {
  return direction === 1 ? model.line.lengthM - distanceM : distanceM;
}

/**
 * One second or less of motion. Every state is written out whole, fields in the same order: V8 copies a
 * `{ ...s, field }` that overrides fields some thirty times slower, and this runs for every reading.
 */
function tick(model: TruckModel, s: TruckState, dt: number, rng: Random): TruckState {
  const p = model.params;
  switch (s.phase) {
    case 'stopped':
    case 'parked': {
      const left = s.phaseLeftSec - dt;
      // A short stop at lights pauses the driver's day; parking does not add to it.
      const drivenSec = s.phase === 'stopped' ? s.drivenSec + dt : s.drivenSec;
      if (left > 0) {
        const { distanceM, direction, speed, phase, cruise } = s;
        return { distanceM, direction, speed, phase, phaseLeftSec: left, cruise, drivenSec };
      }
      return {
        distanceM: s.distanceM,
        direction: s.phase === 'parked' ? (-s.direction as 1 | -1) : s.direction,
        speed: s.speed,
        phase: 'driving',
        phaseLeftSec: uniform(rng, ...p.driveBetweenStopsSec),
        cruise: newCruise(model, rng),
        drivenSec,
      };
    }
    case 'driving':
    case 'stopping': {
      const remaining = remainingM(model, s.direction, s.distanceM);
      const brakingM = (s.speed * s.speed) / (2 * p.deceleration);
      const mustStop = s.phase === 'stopping' || remaining <= brakingM + s.speed * dt;
      let speed: number;
      if (mustStop) {
        // Brake so as to stop exactly at the end of the route, or at the usual rate for a short stop.
        const needed = remaining > 0.5 ? (s.speed * s.speed) / (2 * remaining) : p.deceleration * 4;
        const decel = s.phase === 'stopping' ? p.deceleration : Math.max(needed, 0.1);
        speed = Math.max(0, s.speed - decel * dt);
      } else if (s.speed < s.cruise) {
        speed = Math.min(s.cruise, s.speed + p.acceleration * dt);
      } else {
        speed = Math.max(s.cruise, s.speed - p.deceleration * dt);
      }
      const moved = Math.min(((s.speed + speed) / 2) * dt, remaining);
      const drivenSec = s.drivenSec + dt;
      const { direction, cruise } = s;
      const distanceM = clamp(s.distanceM + direction * moved, 0, model.line.lengthM);
      const atEnd = remainingM(model, direction, distanceM) < 1;
      if (atEnd || (mustStop && speed < 0.3 && remaining - moved < 1)) {
        // Loading or unloading; after an hour at the wheel, the driver's rest (which resets the count).
        const rest = drivenSec >= p.restAfterSec;
        const phaseLeftSec = uniform(rng, ...(rest ? p.restSec : p.parkSec));
        return {
          distanceM,
          direction,
          speed: 0,
          phase: 'parked',
          phaseLeftSec,
          cruise,
          drivenSec: rest ? 0 : drivenSec,
        };
      }
      if (s.phase === 'stopping' && speed === 0) {
        const phaseLeftSec = uniform(rng, ...p.shortStopSec);
        return { distanceM, direction, speed: 0, phase: 'stopped', phaseLeftSec, cruise, drivenSec };
      }
      const left = s.phaseLeftSec - dt;
      if (s.phase === 'driving' && left <= 0)
        return { distanceM, direction, speed, phase: 'stopping', phaseLeftSec: 0, cruise, drivenSec };
      return { distanceM, direction, speed, phase: s.phase, phaseLeftSec: left, cruise, drivenSec };
    }
  }
}

/** Advances the truck by `dtSec` seconds, integrating in steps of at most one second. */
export function stepTruck(model: TruckModel, state: TruckState, dtSec: number, rng: Random): TruckState {
  let s = state;
  let left = Math.max(0, dtSec);
  while (left > 1e-9) {
    const dt = Math.min(1, left);
    s = tick(model, s, dt, rng);
    left -= dt;
  }
  return s;
}

/** Where the truck really is (no GPS noise). */
export function truckPosition(model: TruckModel, state: TruckState): LatLon {
  return pointAt(model.line, state.distanceM);
}

/** What the terminal reports besides its position. */
export interface TruckReadingContext {
  /** The previous true position and reported heading: heading comes from motion, kept while standing. */
  previous?: { position: LatLon; heading: number };
  sats: number;
  /** The true position, when the caller already has it (`truckPosition(model, state)`). */
  truth?: LatLon;
}

export interface TruckReading {
  ts: number;
  lat: number;
  lon: number;
  speed: number;
  heading: number;
  alt: number;
  sats: number;
  ignition: boolean;
  alarm: number;
}

/** Turns the model's state into a JT/T 808-style position report at `ts`. */
export function truckReading(
  model: TruckModel,
  state: TruckState,
  ts: number,
  ctx: TruckReadingContext,
  rng: Random,
): TruckReading {
  const truth = ctx.truth ?? truckPosition(model, state);
  let heading: number;
  if (ctx.previous && distanceM(ctx.previous.position, truth) >= 2) {
    heading = bearingDeg(ctx.previous.position, truth);
  } else if (ctx.previous) {
    heading = ctx.previous.heading;
  } else {
    const seg = positionAt(model.line, state.distanceM).segmentBearing;
    heading = state.direction === 1 ? seg : (seg + 180) % 360;
  }
  const noise = model.params.gpsNoiseM;
  const fix = offsetM(truth, gaussian(rng) * noise, gaussian(rng) * noise);
  const speedKmh = state.speed > 0 ? Math.max(0, state.speed * 3.6 + gaussian(rng) * 0.5) : 0;
  return {
    ts,
    lat: round(fix.lat, 6),
    lon: round(fix.lon, 6),
    speed: round(speedKmh, 1),
    heading: Math.round(heading) % 360,
    alt: round(40 + 25 * Math.sin(state.distanceM / 3000) + gaussian(rng) * 1.5, 1),
    sats: ctx.sats,
    ignition: state.phase !== 'parked',
    alarm: 0,
  };
}

/** Satellites in view drift by one now and then, between 6 and 16. */
export function nextSats(sats: number, rng: Random): number {
  const r = rng.next();
  return clamp(sats + (r < 0.15 ? -1 : r > 0.85 ? 1 : 0), 6, 16);
}
