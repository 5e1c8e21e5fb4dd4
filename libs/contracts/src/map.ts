/**
 * The district's places as the registry holds them and `GET /api/map` shows them: geometry, buildings,
 * restricted zones, road corridors. Browser-safe (the dashboard imports this module by itself).
 */

/** A point as `[lon, lat]`, WGS-84 degrees (GeoJSON order). */
export type LonLat = [number, number];

/** A daily time window in Asia/Shanghai local time, `HH:MM`; `to` before `from` wraps past midnight. */
export interface TimeWindow {
  from: string;
  to: string;
}

export interface Building {
  id: string;
  name: string;
  address?: string;
  occupants?: number;
  /** Where it stands (WGS-84), when known: a red slope's hazard area covers it too. */
  lat?: number;
  lon?: number;
}

export const ZONE_TYPES = ['tunnel', 'water_source', 'school', 'other', 'closure'] as const;
export type ZoneType = (typeof ZONE_TYPES)[number];

/** An area closed to hazmat trucks, always or in time windows. */
export interface RestrictedZone {
  id: string;
  name: string;
  type: ZoneType;
  /** Closed ring of `[lon, lat]` points (the last may repeat the first). */
  polygon: LonLat[];
  /** Severity of an entry alert; default red. */
  severity?: 'blue' | 'yellow' | 'orange' | 'red';
  /** When set, the ban holds only inside these windows. */
  windows?: TimeWindow[];
  /** The grid responsible for the area. */
  grid?: string;
  /** A temporary closure: the ban holds from `validFrom` until before `validTo` (epoch ms, event time). */
  validFrom?: number;
  validTo?: number;
}

/** A road class that sets the speed limit along a polyline (expressways: 80 km/h; elsewhere 60 km/h). */
export interface RoadCorridor {
  id: string;
  name: string;
  class: 'expressway';
  /** Speed limit for hazmat trucks along it, km/h. */
  limitKmh: number;
  polyline: LonLat[];
  /** Half-width of the corridor, metres. */
  halfWidthM: number;
}

/** Coordinate systems a tile provider may draw in: WGS-84 (OSM and most others) or GCJ-02 (AMap, Tencent). */
export const TILE_CRS = ['wgs84', 'gcj02'] as const;
export type TileCrs = (typeof TILE_CRS)[number];

export interface Named {
  id: string;
  name: string;
  nameEn?: string;
}

/**
 * `GET /api/map`: what the dashboard's map and filters need from the registry besides the devices
 * (`GET /api/devices`): the district's outline and extent, roads and restricted zones, the places of the
 * responsibility chain and the owners' names. A company user gets its own company only, and nothing about
 * slopes or gas networks.
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
