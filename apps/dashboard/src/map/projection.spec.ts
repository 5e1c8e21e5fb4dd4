import { wgs84ToGcj02 } from './gcj02';
import { BASE_ZOOM, mercator, projector, tileUrl, tilesFor, tileZoom, unproject } from './projection';

describe('map projection', () => {
  it('is Web Mercator in pixels of zoom 12: tile (3347, 1782) holds central Longgang', () => {
    const [x, y] = mercator(114.2468, 22.7201);
    expect(Math.floor(x / 256)).toBe(3347);
    expect(Math.floor(y / 256)).toBe(1782);
    const [lon, lat] = unproject(x, y);
    expect(lon).toBeCloseTo(114.2468, 9);
    expect(lat).toBeCloseTo(22.7201, 9);
  });

  it('goes through GCJ-02 for a GCJ-02 tile layer, and not otherwise', () => {
    expect(projector('wgs84')(114.1, 22.6)).toEqual(mercator(114.1, 22.6));
    expect(projector('gcj02')(114.1, 22.6)).toEqual(mercator(...wgs84ToGcj02(114.1, 22.6)));
  });

  it('picks the tiles covering a view at the zoom that shows them at natural size', () => {
    expect(tileZoom(1000, 1000, 18)).toBe(BASE_ZOOM);
    expect(tileZoom(250, 1000, 18)).toBe(14);
    expect(tileZoom(1, 100_000, 18)).toBe(18);
    const tiles = tilesFor({ x: 256 * 10 + 10, y: 256 * 20 + 10, w: 600, h: 100 }, BASE_ZOOM);
    expect(tiles.map((t) => `${t.x}/${t.y}`)).toEqual(['10/20', '11/20', '12/20']);
    expect(tiles[1]).toMatchObject({ left: 256 * 11, top: 256 * 20, size: 256 });
    expect(tilesFor({ x: 0, y: 0, w: 1e6, h: 1e6 }, BASE_ZOOM, 5)).toHaveLength(5);
    expect(tileUrl('https://{s}.t.example/{z}/{x}/{y}.png', { z: 13, x: 1, y: 2 })).toBe(
      'https://a.t.example/13/1/2.png',
    );
  });
});
