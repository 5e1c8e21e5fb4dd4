import { FIELD_SPECS, validateReading } from '@lg/contracts';
import { bearingDeg, distanceM, type LatLon } from './geo';
import { seededRandom } from './random';
import { fleetRoutes } from './routes';
import { CORRIDORS } from '../district/geography';
import {
  initialTruckState,
  stepTruck,
  truckModel,
  truckPosition,
  truckReading,
  type TruckReading,
  type TruckState,
} from './truck';

const T0 = Date.UTC(2026, 4, 1, 0, 0, 0);

/** The ordinary roads and the expressways, as the fleet drives them. */
const LONGGANG_ROUTES = fleetRoutes(
  CORRIDORS.map((c) => ({
    id: c.id,
    name: c.name,
    class: 'expressway' as const,
    limitKmh: 80,
    halfWidthM: 60,
    polyline: c.points.map(([lat, lon]): [number, number] => [lon, lat]),
  })),
);

/** Drives a truck for `seconds`, reporting every `everySec`, as the fleet does. */
function drive(routeIndex: number, seconds: number, everySec: number, seed = 7) {
  const model = truckModel(LONGGANG_ROUTES[routeIndex]);
  const rng = seededRandom(seed);
  let state = initialTruckState(model, rng);
  const states: TruckState[] = [state];
  const readings: TruckReading[] = [];
  let previous: { position: LatLon; heading: number } | undefined;
  for (let t = 0; t <= seconds; t += everySec) {
    if (t > 0) state = stepTruck(model, state, everySec, rng);
    states.push(state);
    const r = truckReading(model, state, T0 + t * 1000, { previous, sats: 10 }, rng);
    previous = { position: truckPosition(model, state), heading: r.heading };
    readings.push(r);
  }
  return { model, states, readings };
}

describe('truck model', () => {
  it('keeps every route inside Longgang', () => {
    for (const route of LONGGANG_ROUTES) {
      for (const p of route.points) {
        expect(p.lat).toBeGreaterThanOrEqual(22.55);
        expect(p.lat).toBeLessThanOrEqual(22.85);
        expect(p.lon).toBeGreaterThanOrEqual(114.0);
        expect(p.lon).toBeLessThanOrEqual(114.45);
      }
    }
  });

  it('drives at realistic speeds under the road limit, stops, parks and comes back over a day', () => {
    LONGGANG_ROUTES.forEach((route, i) => {
      const { states, readings } = drive(i, 24 * 3600, 10);
      const speeds = states.map((s) => s.speed * 3.6);
      expect(Math.max(...speeds)).toBeLessThanOrEqual(route.limitKmh);
      expect(Math.max(...speeds)).toBeGreaterThan(route.limitKmh - 25);
      // Lights and junctions stop it on ordinary roads; expressways have none.
      expect(states.some((s) => s.phase === 'stopped')).toBe(!route.expressway);
      expect(states.some((s) => s.phase === 'parked')).toBe(true);
      // It shuttles: both directions are driven.
      expect(new Set(states.map((s) => s.direction)).size).toBe(2);
      // Parked means ignition off and standing; driving means ignition on.
      readings.forEach((r, k) => {
        expect(r.ignition).toBe(states[k + 1].phase !== 'parked');
        if (states[k + 1].phase === 'parked') expect(r.speed).toBe(0);
      });
    });
  });

  it('rests at least 20 min before 1 h 45 min of driving: the demo never trips the fatigue limits', () => {
    LONGGANG_ROUTES.forEach((_route, i) => {
      const { states } = drive(i, 2 * 24 * 3600, 10, 11 + i);
      let driving = 0;
      let still = 0;
      let worst = 0;
      for (const s of states) {
        if (s.speed * 3.6 > 5) {
          driving += 10;
          still = 0;
        } else if ((still += 10) >= 20 * 60) driving = 0;
        worst = Math.max(worst, driving);
      }
      expect(worst).toBeLessThan(105 * 60);
      expect(worst).toBeGreaterThan(20 * 60);
    });
  });

  it('moves consistently with its speed: no jump a drift rule would flag', () => {
    const { readings } = drive(1, 4 * 3600, 10);
    for (let k = 1; k < readings.length; k++) {
      const metres = distanceM(readings[k - 1], readings[k]);
      const impliedKmh = (metres / 10) * 3.6;
      expect(impliedKmh).toBeLessThan(100);
    }
  });

  it('reports the heading of its motion and keeps it while standing', () => {
    const { model, states, readings } = drive(0, 2 * 3600, 10);
    for (let k = 1; k < readings.length; k++) {
      const from = truckPosition(model, states[k]);
      const to = truckPosition(model, states[k + 1]);
      if (distanceM(from, to) >= 2) {
        const expected = Math.round(bearingDeg(from, to)) % 360;
        expect(readings[k].heading).toBe(expected);
      } else {
        expect(readings[k].heading).toBe(readings[k - 1].heading);
      }
      expect(readings[k].heading).toBeGreaterThanOrEqual(0);
      expect(readings[k].heading).toBeLessThan(360);
    }
  });

  it('adds a few metres of GPS noise, not more', () => {
    const { model, states, readings } = drive(2, 3600, 10);
    const errors = readings.map((r, k) => distanceM(r, truckPosition(model, states[k + 1])));
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(mean).toBeGreaterThan(0.5);
    expect(mean).toBeLessThan(8);
  });

  it('is deterministic for a seed', () => {
    expect(drive(3, 600, 10, 42).readings).toEqual(drive(3, 600, 10, 42).readings);
    expect(drive(3, 600, 10, 42).readings).not.toEqual(drive(3, 600, 10, 43).readings);
  });

  it('integrates long gaps in small steps: one 60 s step equals six 10 s steps', () => {
    const model = truckModel(LONGGANG_ROUTES[0]);
    const a = seededRandom(5);
    const b = seededRandom(5);
    const start = initialTruckState(model, seededRandom(1));
    let s = start;
    for (let i = 0; i < 6; i++) s = stepTruck(model, s, 10, a);
    expect(stepTruck(model, start, 60, b)).toEqual(s);
  });

  it('produces readings the contract accepts as qualified', () => {
    const { readings } = drive(4, 3600, 10);
    for (const r of readings) {
      const v = validateReading('truck', r, { now: T0 + 2 * 3600_000, futureToleranceMs: 0 });
      expect(v).toEqual({ ok: true, reading: expect.objectContaining({ bad: [] }) });
    }
    expect(Object.keys(readings[0]).filter((f) => f !== 'ts' && !(f in FIELD_SPECS.truck))).toEqual([]);
  });
});
