import type { Building, DeviceKind, DutyContact, RestrictedZone, RoadCorridor } from '@lg/contracts';

// The places' geometry is part of the contract (`GET /api/map` shows it as the registry holds it).
export { ZONE_TYPES } from '@lg/contracts';
export type { Building, LonLat, RestrictedZone, RoadCorridor, TimeWindow, ZoneType } from '@lg/contracts';

/**
 * The registry: who owns which device, where each asset sits in the responsibility chain
 * (grid → community → street → district), and the duty contacts at every level.
 */
export interface DutyUnit {
  id: string;
  name: string;
  duty: DutyContact[];
}

export interface Street extends DutyUnit {
  nameEn?: string;
}
export interface Community extends DutyUnit {
  street: string;
}
export interface Grid extends DutyUnit {
  community: string;
}

export interface Company extends DutyUnit {
  nameEn?: string;
}

/**
 * A gateway of a slope site or pipeline network: the box its devices report through (docs/registry.md,
 * "Gateways"). A device listed by none of its owner's gateways is on the owner's default, `{owner}-GW`.
 */
export interface GatewayDef {
  id: string;
  name?: string;
  devices: string[];
}

export interface SlopeSite extends DutyUnit {
  gateways?: GatewayDef[];
  lat: number;
  lon: number;
  grid: string;
  /** Buildings evacuated when the slope turns red. */
  buildings: Building[];
}

export interface PipelineNetwork extends DutyUnit {
  operator?: string;
  gateways?: GatewayDef[];
}

export interface Device {
  id: string;
  kind: DeviceKind;
  /** Company (truck), slope site (slope sensor) or pipeline network (gas detector). */
  owner: string;
  name?: string;
  /** Fixed devices: where they are. Trucks move. */
  lat?: number;
  lon?: number;
  /** Fixed devices: their grid in the responsibility chain. */
  grid?: string;
  /** Nominal reporting interval, seconds. */
  intervalSec: number;
  /** Trucks: plate, hazmat class and UN numbers. */
  plate?: string;
  /** Trucks: plate colour code of JT/T 697.7 (1 blue, 2 yellow, 3 black, 4 white, 5 green, 9 other). */
  plateColor?: number;
  /**
   * Trucks: the JT/T 808 terminal number (usually the SIM's), decimal digits: 12 for 2013 terminals,
   * up to 20 for 2019 ones. Leading zeros do not count (`013800000001` is the 2019 terminal
   * `00000000013800000001`).
   */
  terminal?: string;
  hazmatClass?: string;
  un?: string[];
}

export interface RegistryData {
  version: number;
  /** Free text: the fixture is synthetic, not real district data. */
  note?: string;
  district: DutyUnit;
  streets: Street[];
  communities: Community[];
  grids: Grid[];
  companies: Company[];
  slopeSites: SlopeSite[];
  pipelineNetworks: PipelineNetwork[];
  devices: Device[];
  zones?: RestrictedZone[];
  corridors?: RoadCorridor[];
}

export interface ChainStep {
  level: 'company' | 'grid' | 'community' | 'street' | 'district';
  unit: DutyUnit;
}
