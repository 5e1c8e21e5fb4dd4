import type { Principal } from '@lg/auth';
import type { Building, LonLat, Registry, RestrictedZone, RoadCorridor } from '@lg/registry';
import { LONGGANG_BOUNDS, LONGGANG_OUTLINE } from './district-outline';
import type { MapTilesConfig, TileCrs } from './map.config';

interface Named {
  id: string;
  name: string;
  nameEn?: string;
}

/**
 * What the dashboard's map and filters need from the registry besides the devices (`GET /api/devices`):
 * the district's outline and extent, roads and restricted zones, the places of the responsibility chain
 * and the owners' names. A company user gets its own company only, and nothing about slopes or gas networks.
 */
export interface MapView {
  district: Named;
  /** Approximate outline, `[lon, lat]` WGS-84. */
  outline: LonLat[];
  bounds: { west: number; south: number; east: number; north: number };
  streets: Named[];
  communities: Array<Named & { street: string }>;
  grids: Array<Named & { community: string }>;
  companies: Named[];
  pipelineNetworks: Array<Named & { operator?: string }>;
  slopeSites: Array<Named & { lat: number; lon: number; grid: string; buildings: Building[] }>;
  zones: RestrictedZone[];
  corridors: RoadCorridor[];
  /** The optional tile layer; absent when the deployment has none (the map then needs no network). */
  tiles?: { url: string; crs: TileCrs; maxZoom: number; attribution?: string };
}

const named = <T extends Named>(u: T): Named => ({
  id: u.id,
  name: u.name,
  ...(u.nameEn !== undefined ? { nameEn: u.nameEn } : {}),
});

export function mapView(registry: Registry, principal: Principal, tiles: MapTilesConfig): MapView {
  const data = registry.data;
  const operator = principal.role === 'operator';
  return {
    district: named(data.district),
    outline: LONGGANG_OUTLINE,
    bounds: LONGGANG_BOUNDS,
    streets: data.streets.map(named),
    communities: operator ? data.communities.map((c) => ({ ...named(c), street: c.street })) : [],
    grids: operator ? data.grids.map((g) => ({ ...named(g), community: g.community })) : [],
    companies: data.companies
      .filter((c) => operator || (principal.role === 'company' && c.id === principal.company))
      .map(named),
    pipelineNetworks: operator
      ? data.pipelineNetworks.map((p) => ({
          ...named(p),
          ...(p.operator !== undefined ? { operator: p.operator } : {}),
        }))
      : [],
    slopeSites: operator
      ? data.slopeSites.map((s) => ({
          ...named(s),
          lat: s.lat,
          lon: s.lon,
          grid: s.grid,
          buildings: s.buildings,
        }))
      : [],
    // Roads and restricted zones are what every company's trucks are judged against: public to all users.
    zones: [...registry.zones()],
    corridors: [...registry.corridors()],
    ...(tiles.MAP_TILES_URL
      ? {
          tiles: {
            url: tiles.MAP_TILES_URL,
            crs: tiles.MAP_TILES_CRS,
            maxZoom: tiles.MAP_TILES_MAX_ZOOM,
            ...(tiles.MAP_TILES_ATTRIBUTION ? { attribution: tiles.MAP_TILES_ATTRIBUTION } : {}),
          },
        }
      : {}),
  };
}
