import { Registry } from '@lg/registry';
import type { Principal } from '@lg/auth';
import { mapTilesSchema, tileOrigins } from './map.config';
import { mapView } from './map.view';

const registry = Registry.load('config/registry/longgang.json');
const operator: Principal = { username: 'operator', role: 'operator' };
const c01: Principal = { username: 'c01', role: 'company', company: 'C01' };
const noTiles = mapTilesSchema.parse({});

describe('map view', () => {
  it('gives an operator the whole registry map, with the district outline inside the district extent', () => {
    const view = mapView(registry, operator, noTiles);
    expect(view.companies.length).toBe(registry.allCompanies().length);
    expect(view.slopeSites.length).toBe(registry.data.slopeSites.length);
    expect(view.grids.length).toBe(registry.data.grids.length);
    expect(view.outline.length).toBeGreaterThan(10);
    for (const [lon, lat] of view.outline) {
      expect(lon).toBeGreaterThanOrEqual(view.bounds.west);
      expect(lon).toBeLessThanOrEqual(view.bounds.east);
      expect(lat).toBeGreaterThanOrEqual(view.bounds.south);
      expect(lat).toBeLessThanOrEqual(view.bounds.north);
    }
    expect(view.tiles).toBeUndefined();
  });

  it('gives a company user its own company and the roads only: no slopes, gas networks or grids', () => {
    const view = mapView(registry, c01, noTiles);
    expect(view.companies.map((c) => c.id)).toEqual(['C01']);
    expect(view.slopeSites).toEqual([]);
    expect(view.pipelineNetworks).toEqual([]);
    expect(view.grids).toEqual([]);
    expect(view.communities).toEqual([]);
    expect(view.zones).toEqual([...registry.zones()]);
    expect(view.corridors).toEqual([...registry.corridors()]);
  });

  it('describes the tile layer only when one is configured, and allows its origins', () => {
    const tiles = mapTilesSchema.parse({
      MAP_TILES_URL: 'https://{s}.tiles.example.cn/{z}/{x}/{y}.png',
      MAP_TILES_CRS: 'gcj02',
    });
    expect(mapView(registry, operator, tiles).tiles).toEqual({
      url: 'https://{s}.tiles.example.cn/{z}/{x}/{y}.png',
      crs: 'gcj02',
      maxZoom: 18,
    });
    expect(tileOrigins(tiles)).toEqual([
      'https://a.tiles.example.cn',
      'https://b.tiles.example.cn',
      'https://c.tiles.example.cn',
    ]);
    expect(tileOrigins(noTiles)).toEqual([]);
    expect(mapTilesSchema.safeParse({ MAP_TILES_URL: 'https://tiles.example/{z}/{x}.png' }).success).toBe(
      false,
    );
    expect(mapTilesSchema.safeParse({ MAP_TILES_CRS: 'bd09' }).success).toBe(false);
  });
});
