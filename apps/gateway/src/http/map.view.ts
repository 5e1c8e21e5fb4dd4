import type { Principal } from '@lg/auth';
import type { MapView, Named } from '@lg/contracts';
import type { Registry } from '@lg/registry';
import { LONGGANG_BOUNDS, LONGGANG_OUTLINE } from './district-outline';
import type { MapTilesConfig } from './map.config';

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
