/**
 * Shapes of the gateway's REST answers the dashboard reads (contract v1 and `GET /api/map`). Alerts, live
 * events, positions and the device views come from the contracts lib itself.
 */
import type { DeviceKind } from '@lg/contracts/topics';

export type { Alert, AlertTransition, Severity, EscalationLevel } from '@lg/contracts/alert';
export type { DeviceEvent, Position } from '@lg/contracts/records';
export type { ServerToClientEvents, ClientToServerEvents, AckResponse } from '@lg/contracts/events';
export type { DeviceView, SeriesPoint, SeriesView, TrackPoint, TrackView } from '@lg/contracts/views';
export type { DeviceKind };

export type Principal =
  { username: string; role: 'operator' } | { username: string; role: 'company'; company: string };

export interface LoginResult {
  token: string;
  /** ISO-8601 UTC. */
  expiresAt: string;
  user: Principal;
}

/** `[lon, lat]`, WGS-84. */
export type LonLat = [number, number];

export interface Named {
  id: string;
  name: string;
  nameEn?: string;
}

export interface Building {
  id: string;
  name: string;
  address?: string;
  occupants?: number;
}

export interface Zone {
  id: string;
  name: string;
  type: string;
  polygon: LonLat[];
  severity?: string;
  windows?: Array<{ from: string; to: string }>;
}

export interface Corridor {
  id: string;
  name: string;
  class: string;
  limitKmh: number;
  polyline: LonLat[];
  halfWidthM: number;
}

export type TileCrs = 'wgs84' | 'gcj02';

/** `GET /api/map`. */
export interface MapView {
  district: Named;
  outline: LonLat[];
  bounds: { west: number; south: number; east: number; north: number };
  streets: Named[];
  communities: Array<Named & { street: string }>;
  grids: Array<Named & { community: string }>;
  companies: Named[];
  pipelineNetworks: Array<Named & { operator?: string }>;
  slopeSites: Array<Named & { lat: number; lon: number; grid: string; buildings: Building[] }>;
  zones: Zone[];
  corridors: Corridor[];
  tiles?: { url: string; crs: TileCrs; maxZoom: number; attribution?: string };
}

/** One rule of `GET /api/rules` (operators only), as far as the dashboard reads it. */
export interface RuleView {
  rule: string;
  config: unknown;
  devices?: Record<string, unknown>;
}
