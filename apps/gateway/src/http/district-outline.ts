import type { LonLat } from '@lg/registry';

/**
 * An approximate outline of Longgang district (WGS-84, `[lon, lat]`), drawn by hand for the offline map
 * within the district's extent (lat 22.55–22.85, lon 114.00–114.45). It is a backdrop for orientation, not a
 * surveyed boundary: nothing is computed from it.
 */
export const LONGGANG_OUTLINE: LonLat[] = [
  [114.028, 22.612],
  [114.041, 22.651],
  [114.062, 22.683],
  [114.081, 22.716],
  [114.093, 22.752],
  [114.108, 22.788],
  [114.137, 22.812],
  [114.176, 22.803],
  [114.214, 22.776],
  [114.251, 22.791],
  [114.292, 22.812],
  [114.336, 22.801],
  [114.372, 22.772],
  [114.411, 22.748],
  [114.398, 22.716],
  [114.352, 22.694],
  [114.331, 22.662],
  [114.298, 22.636],
  [114.262, 22.611],
  [114.226, 22.604],
  [114.193, 22.618],
  [114.162, 22.589],
  [114.128, 22.571],
  [114.094, 22.566],
  [114.061, 22.582],
  [114.028, 22.612],
];

/** The district's extent, the map's initial view. */
export const LONGGANG_BOUNDS = { west: 114.0, south: 22.55, east: 114.45, north: 22.85 };
