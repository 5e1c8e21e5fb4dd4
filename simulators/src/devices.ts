import type { Device } from '@lg/registry';
import { gasReading, type GasParams } from './models/gas';
import type { LatLon } from './models/geo';
import { seededRandom, seedOf, uniform, type Random } from './models/random';
import { ROAD_ROUTES, type Route } from './models/routes';
import { slopeReading, type SlopeParams } from './models/slope';
import {
  initialTruckState,
  nextSats,
  stepTruck,
  truckModel,
  truckPosition,
  truckReading,
  type TruckModel,
  type TruckState,
} from './models/truck';

/** A telemetry reading as it goes on the wire (see FIELD_SPECS in @lg/contracts). */
export type Reading = { ts: number } & Record<string, number | string | boolean>;

/**
 * A registry device with its behaviour model. `read` is called with non-decreasing event times; the model
 * advances by the time between calls, never by a clock of its own.
 */
export interface SimulatedDevice {
  readonly device: Device;
  read(ts: number): Reading;
}

/** Baseline of the simulated slope sensors: displacement counts from here, so restarts continue the curve. */
const SLOPE_BASELINE_TS = Date.UTC(2024, 0, 1);

/** Longest gap the truck model integrates at once (a laptop that slept should not replay a day of driving). */
const MAX_TRUCK_STEP_SEC = 3600;

class SimulatedTruck implements SimulatedDevice {
  private state?: TruckState;
  private lastTs = 0;
  private previous?: { position: LatLon; heading: number };
  private sats: number;
  private readonly model: TruckModel;
  private readonly driver: string;

  constructor(
    readonly device: Device,
    route: Route,
    private readonly rng: Random,
  ) {
    this.model = truckModel(route);
    this.sats = Math.round(uniform(rng, 9, 13));
    this.driver = `DRV-${device.id}`;
  }

  read(ts: number): Reading {
    if (!this.state) this.state = initialTruckState(this.model, this.rng);
    else
      this.state = stepTruck(
        this.model,
        this.state,
        Math.min(MAX_TRUCK_STEP_SEC, (ts - this.lastTs) / 1000),
        this.rng,
      );
    this.lastTs = ts;
    this.sats = nextSats(this.sats, this.rng);
    const truth = truckPosition(this.model, this.state);
    const reading = truckReading(
      this.model,
      this.state,
      ts,
      { previous: this.previous, sats: this.sats, truth },
      this.rng,
    );
    this.previous = { position: truth, heading: reading.heading };
    // Written out: V8 builds `{ ...reading, driver }` some fifty times slower, and this runs per reading.
    const { lat, lon, speed, heading, alt, sats, ignition, alarm } = reading;
    return { ts, lat, lon, speed, heading, alt, sats, ignition, alarm, driver: this.driver };
  }
}

class SimulatedSlopeSensor implements SimulatedDevice {
  private readonly params: SlopeParams;

  constructor(
    readonly device: Device,
    private readonly rng: Random,
  ) {
    this.params = {
      baselineTs: SLOPE_BASELINE_TS,
      rateMmPerDay: uniform(rng, 0.05, 0.2),
      noiseMm: 0.03,
      tiltDeg: uniform(rng, 0.2, 1.2),
      tiltRateDegPerDay: uniform(rng, 0.0001, 0.0004),
      tiltNoiseDeg: 0.0005,
      weatherSeed: seedOf('weather', device.owner),
      // A few hundredths of a millimetre per 10 mm shower, arriving over hours: visible in the rate, far
      // from an alarm unless the rain is heavy and the slope already moving.
      rainResponseMmPerMm: uniform(rng, 0.001, 0.003),
      rainLagHours: uniform(rng, 6, 12),
    };
  }

  read(ts: number): Reading {
    return { ...slopeReading(this.params, ts, this.rng) };
  }
}

class SimulatedGasDetector implements SimulatedDevice {
  private readonly params: GasParams;

  constructor(
    readonly device: Device,
    private readonly rng: Random,
  ) {
    this.params = {
      gas: 'CH4',
      zeroLel: uniform(rng, 0.1, 0.8),
      noiseLel: 0.6,
      battery: uniform(rng, 90, 99),
    };
  }

  read(ts: number): Reading {
    return { ...gasReading(this.params, ts, this.rng) };
  }
}

/**
 * Behaviour models for registry devices. Trucks take the routes in turn (by default the district's
 * ordinary roads; `fleetRoutes(registry.corridors())` adds the expressways), so a small fleet covers them
 * all; every device's randomness derives from its ID and `seed`, so a run is reproducible.
 */
export function simulateDevices(
  devices: readonly Device[],
  seed = 1,
  routes: readonly Route[] = ROAD_ROUTES,
): SimulatedDevice[] {
  if (routes.length === 0) throw new Error('simulateDevices needs at least one route for trucks');
  let truckIndex = 0;
  return devices.map((device) => {
    const rng = seededRandom(seedOf(seed, device.id));
    switch (device.kind) {
      case 'truck':
        return new SimulatedTruck(device, routes[truckIndex++ % routes.length], rng);
      case 'slope':
        return new SimulatedSlopeSensor(device, rng);
      case 'gas':
        return new SimulatedGasDetector(device, rng);
    }
  });
}
