import { wgs84ToGcj02 } from './gcj02';
import type { TileCrs } from '../types';

/**
 * The map's plane: Web Mercator in pixels of zoom level BASE_ZOOM (256-pixel tiles), so that an XYZ tile
 * layer lines up exactly when one is configured. Longgang is about 1,300 units wide at this level.
 */
export const BASE_ZOOM = 12;
export const TILE_SIZE = 256;
const WORLD = TILE_SIZE * 2 ** BASE_ZOOM;
const MAX_LAT = 85.05112878;

export type Point = [number, number];

/** WGS-84 or GCJ-02 degrees → map units (x east, y south). */
export function mercator(lon: number, lat: number): Point {
  const clamped = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat));
  const s = Math.sin((clamped * Math.PI) / 180);
  const x = ((lon + 180) / 360) * WORLD;
  const y = (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * WORLD;
  return [x, y];
}

/** Map units → degrees of the plane's datum. */
export function unproject(x: number, y: number): Point {
  const lon = (x / WORLD) * 360 - 180;
  const n = Math.PI - (2 * Math.PI * y) / WORLD;
  const lat = (180 / Math.PI) * Math.atan(Math.sinh(n));
  return [lon, lat];
}

/**
 * The projection of WGS-84 data onto the map: straight Mercator, or through GCJ-02 first when the tile
 * layer draws in GCJ-02 (AMap, Tencent), so that the platform's own layers sit on the tiles' streets.
 */
export function projector(crs: TileCrs): (lon: number, lat: number) => Point {
  return crs === 'gcj02' ? (lon, lat) => mercator(...wgs84ToGcj02(lon, lat)) : mercator;
}

export interface ViewBox {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Tile {
  z: number;
  x: number;
  y: number;
  /** Its place and size in map units. */
  left: number;
  top: number;
  size: number;
}

/** The integer zoom level whose tiles show at about their natural size when `w` units fill `pixels`. */
export function tileZoom(w: number, pixels: number, maxZoom: number): number {
  const z = Math.round(BASE_ZOOM + Math.log2(pixels / w));
  return Math.max(0, Math.min(maxZoom, z));
}

/** The tiles of level `z` that cover a view box (at most `limit`, to keep a wall screen's DOM small). */
export function tilesFor(view: ViewBox, z: number, limit = 200): Tile[] {
  const size = TILE_SIZE * 2 ** (BASE_ZOOM - z);
  const n = 2 ** z;
  const x0 = Math.max(0, Math.floor(view.x / size));
  const y0 = Math.max(0, Math.floor(view.y / size));
  const x1 = Math.min(n - 1, Math.floor((view.x + view.w) / size));
  const y1 = Math.min(n - 1, Math.floor((view.y + view.h) / size));
  const tiles: Tile[] = [];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (tiles.length >= limit) return tiles;
      tiles.push({ z, x, y, left: x * size, top: y * size, size });
    }
  }
  return tiles;
}

/** A tile's URL from an XYZ template; `{s}` rotates over a, b, c. */
export function tileUrl(template: string, tile: Pick<Tile, 'z' | 'x' | 'y'>): string {
  const s = 'abc'[(tile.x + tile.y) % 3];
  return template
    .replace('{s}', s)
    .replace('{z}', String(tile.z))
    .replace('{x}', String(tile.x))
    .replace('{y}', String(tile.y));
}
