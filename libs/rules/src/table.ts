import type { AnyRule } from './rule';
import { deviceFault } from './rules/device-fault';
import { deviceOffline } from './rules/device-offline';
import { gasLel } from './rules/gas-lel';
import { slopeDisplacement } from './rules/slope-displacement';
import { truckFatigue } from './rules/truck-fatigue';
import { truckMovedOffline } from './rules/truck-moved-offline';
import { truckNearHazard } from './rules/truck-near-hazard';
import { truckOffline } from './rules/truck-offline';
import { truckOverspeed } from './rules/truck-overspeed';
import { truckRestrictedZone } from './rules/truck-restricted-zone';
import { truckSos } from './rules/truck-sos';

/** Every rule of the platform, one file each under `rules/` (docs/rules.md describes them). */
export const RULES: readonly AnyRule[] = [
  truckOverspeed,
  truckRestrictedZone,
  truckNearHazard,
  truckFatigue,
  truckOffline,
  truckMovedOffline,
  truckSos,
  slopeDisplacement,
  gasLel,
  deviceFault,
  deviceOffline,
];
