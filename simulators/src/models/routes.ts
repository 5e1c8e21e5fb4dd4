import type { RoadCorridor } from '@lg/registry';
import { ROAD_LIMIT_KMH, ROADS } from '../district/geography';
import type { LatLon } from './geo';

/**
 * A road a hazmat truck shuttles along: an ordinary road of the district's geography (hazmat limit
 * 60 km/h, traffic lights) or an expressway corridor of the registry (its own limit, 80 km/h, no lights).
 * Synthetic: the lines follow the rough course of real roads but are not surveyed geometry.
 */
export interface Route {
  id: string;
  name: string;
  limitKmh: number;
  /** Expressways have no short stops at lights and junctions. */
  expressway: boolean;
  points: LatLon[];
}

/** The ordinary roads of the district the fleet drives (docs/registry.md lists them). */
export const ROAD_ROUTES: readonly Route[] = ROADS.map((r) => ({
  id: r.id,
  name: r.name,
  limitKmh: ROAD_LIMIT_KMH,
  expressway: false,
  points: r.points.map(([lat, lon]) => ({ lat, lon })),
}));

/** An expressway corridor of the registry as a route: trucks drive its centre line. */
export function corridorRoute(c: RoadCorridor): Route {
  return {
    id: c.id,
    name: c.name,
    limitKmh: c.limitKmh,
    expressway: true,
    points: c.polyline.map(([lon, lat]) => ({ lat, lon })),
  };
}

/**
 * The routes of a fleet run: the ordinary roads and every corridor of the registry, interleaved so that a
 * small fleet still covers both kinds of road.
 */
export function fleetRoutes(corridors: readonly RoadCorridor[] = []): Route[] {
  const express = corridors.map(corridorRoute);
  const out: Route[] = [];
  for (let i = 0; i < Math.max(ROAD_ROUTES.length, express.length); i++) {
    if (i < ROAD_ROUTES.length) out.push(ROAD_ROUTES[i]);
    if (i < express.length) out.push(express[i]);
  }
  return out;
}
