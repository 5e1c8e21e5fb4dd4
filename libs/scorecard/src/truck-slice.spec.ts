import { scorecardSettings } from './settings';
import { buildSlice, mergeSlices } from './truck-slice';

const T0 = Date.parse('2026-05-01T00:00:00Z');
const settings = scorecardSettings({ evidenceLimit: 2 });

describe('truck slices', () => {
  const day = (offset: number) =>
    buildSlice(
      {
        truck: 'T001',
        company: 'C01',
        qualified: [
          { ts: T0 + offset, lat: 22.7, lon: 114.2, speed: 40 },
          { ts: T0 + offset + 10_000, lat: 22.701, lon: 114.2, speed: 40 },
        ],
        unqualified: [
          { ts: T0 + offset + 1, reasons: ['speed_out_of_range'], lat: 22.7, lon: 114.2, speed: 200 },
          {
            ts: T0 + offset + 2,
            reasons: ['lat_out_of_range', 'speed_out_of_range'],
            lat: 0,
            lon: 114.2,
            speed: 300,
          },
          { ts: T0 + offset + 3, reasons: [], lat: 22.7, lon: 114.2, speed: 10 },
        ],
        overspeeds: 1,
        fatigueMs: 60_000,
      },
      settings,
    );

  it('tallies records, reasons and mileage and keeps the newest unqualified records', () => {
    const s = day(0);
    expect(s).toMatchObject({
      records: 5,
      qualified: 2,
      reasons: { speed_out_of_range: 2, lat_out_of_range: 1, unknown: 1 },
      overspeeds: 1,
      fatigueMs: 60_000,
      gapCount: 0,
      driftCount: 0,
    });
    expect(s.mileageM).toBeCloseTo(111.195, 2);
    expect(s.unqualified.map((u) => u.ts - T0)).toEqual([3, 2]);
  });

  it('adds slices up and keeps the worst evidence of all', () => {
    const merged = mergeSlices([day(0), day(86_400_000)], 2);
    expect(merged).toMatchObject({
      records: 10,
      qualified: 4,
      reasons: { speed_out_of_range: 4, lat_out_of_range: 2, unknown: 2 },
      overspeeds: 2,
      fatigueMs: 120_000,
    });
    expect(merged?.mileageM).toBeCloseTo(2 * 111.195, 2);
    expect(merged?.unqualified.map((u) => u.ts - T0)).toEqual([86_400_003, 86_400_002]);
    expect(mergeSlices([], 2)).toBeUndefined();
  });
});
