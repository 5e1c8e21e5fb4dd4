import type { Building, Device, DutyContact, RestrictedZone, RoadCorridor } from '@lg/contracts';

// The places' geometry is part of the contract (`GET /api/map` shows it as the registry holds it).
export { ZONE_TYPES } from '@lg/contracts';
export type { Building, LonLat, RestrictedZone, RoadCorridor, TimeWindow, ZoneType } from '@lg/contracts';
// A device as the registry holds it is also what `GET /api/devices` shows of it.
export type { Device } from '@lg/contracts';

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
