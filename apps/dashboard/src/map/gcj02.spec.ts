import { gcj02ToWgs84, outOfChina, wgs84ToGcj02 } from './gcj02';

/** Metres between two nearby points (equirectangular). */
function metres(a: [number, number], b: [number, number]): number {
  const k = Math.PI / 180;
  const x = (b[0] - a[0]) * k * Math.cos(((a[1] + b[1]) / 2) * k);
  const y = (b[1] - a[1]) * k;
  return Math.hypot(x, y) * 6_371_000;
}

describe('WGS-84 → GCJ-02', () => {
  it('matches the published reference value (Tiananmen, the coordtransform test vector)', () => {
    const [lon, lat] = wgs84ToGcj02(116.404, 39.915);
    expect(lon).toBeCloseTo(116.41024449916938, 9);
    expect(lat).toBeCloseTo(39.91640428150164, 9);
  });

  it('shifts points in Longgang by a few hundred metres, east and south', () => {
    const wgs: [number, number] = [114.2468, 22.7201];
    const gcj = wgs84ToGcj02(...wgs);
    expect(gcj[0]).toBeGreaterThan(wgs[0]);
    expect(gcj[1]).toBeLessThan(wgs[1]);
    const d = metres(wgs, gcj);
    expect(d).toBeGreaterThan(200);
    expect(d).toBeLessThan(800);
  });

  it('leaves points outside China unchanged', () => {
    expect(outOfChina(2.35, 48.85)).toBe(true);
    expect(wgs84ToGcj02(2.35, 48.85)).toEqual([2.35, 48.85]);
    expect(gcj02ToWgs84(-74, 40.7)).toEqual([-74, 40.7]);
  });

  it('is inverted by gcj02ToWgs84 to well under a centimetre across the district', () => {
    for (let lon = 114.0; lon <= 114.45; lon += 0.05) {
      for (let lat = 22.55; lat <= 22.85; lat += 0.05) {
        const back = gcj02ToWgs84(...wgs84ToGcj02(lon, lat));
        expect(metres([lon, lat], back)).toBeLessThan(0.01);
      }
    }
  });
});
