import { z } from 'zod';
import { env } from '@lg/config';
import { TILE_CRS } from '@lg/contracts';

const emptyAsUnset = (v: unknown) => (v === '' ? undefined : v);

/**
 * The dashboard map's optional tile layer. Without `MAP_TILES_URL` the map draws only the platform's own
 * data (district outline, corridors, zones, devices) and needs no network at all.
 */
export const mapTilesSchema = z.object({
  /**
   * XYZ tile URL template with `{z}`, `{x}`, `{y}` (and optionally `{s}` for `a`/`b`/`c` subdomains), e.g.
   * `https://tiles.internal.example/{z}/{x}/{y}.png`. Its origin is added to the dashboard's `img-src`.
   */
  MAP_TILES_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .url()
      .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
      .refine((u) => ['{z}', '{x}', '{y}'].every((p) => u.includes(p)), 'must contain {z}, {x} and {y}')
      .optional(),
  ),
  /** The provider's coordinate system: `gcj02` for Chinese providers (AMap/Gaode, Tencent), else `wgs84`. */
  MAP_TILES_CRS: z.enum(TILE_CRS).default('wgs84'),
  /** Highest zoom level the provider serves. */
  MAP_TILES_MAX_ZOOM: env.int(18, 1, 22),
  /** Attribution shown on the map (the provider's licence usually requires one). */
  MAP_TILES_ATTRIBUTION: z.preprocess(emptyAsUnset, z.string().max(200).optional()),
});

export type MapTilesConfig = z.infer<typeof mapTilesSchema>;

/** The origin(s) the dashboard loads tiles from, for its Content-Security-Policy. */
export function tileOrigins(c: MapTilesConfig): string[] {
  if (!c.MAP_TILES_URL) return [];
  const probe = c.MAP_TILES_URL.replace('{s}', 'a').replace(/\{[a-z]\}/g, '0');
  const origins = new Set<string>();
  for (const s of c.MAP_TILES_URL.includes('{s}') ? ['a', 'b', 'c'] : ['a']) {
    origins.add(new URL(probe.replace('://a.', `://${s}.`)).origin);
  }
  return [...origins];
}
