import { scoreCompany, scoreDistrict, summaryOf, tallyCompany, type CompanyInput } from './company';
import { emptySlice, type TruckSlice } from './truck-slice';

const slice = (truck: string, over: Partial<TruckSlice>): TruckSlice => ({
  ...emptySlice(truck, 'CX'),
  ...over,
});

/**
 * Company CX, 4 trucks, no overspeed or fatigue anywhere (both items 20 points), duty check 1:
 * A clean: 100/100 records qualified, 10 km complete.
 * B: 60/100 records qualified (bad fields), 10 km complete.
 * C: never sent a qualified record.
 * D: 100/100 qualified, 4 of 10 km complete, drifted.
 */
const input: CompanyInput = {
  id: 'CX',
  name: '测试运输公司',
  nameEn: 'Test Transport',
  trucks: [{ id: 'A', plate: '粤B·A' }, { id: 'B' }, { id: 'C' }, { id: 'D' }],
  slices: new Map([
    ['A', slice('A', { records: 100, qualified: 100, mileageM: 10_000, completeM: 10_000 })],
    [
      'B',
      slice('B', {
        records: 100,
        qualified: 60,
        reasons: { speed_out_of_range: 30, lat_out_of_range: 10 },
        mileageM: 10_000,
        completeM: 10_000,
        unqualified: [{ ts: 1000, reasons: ['speed_out_of_range'], lat: 22.7, lon: 114.2, speed: 200 }],
      }),
    ],
    [
      'D',
      slice('D', {
        records: 100,
        qualified: 100,
        mileageM: 10_000,
        completeM: 4000,
        gapCount: 1,
        driftCount: 2,
        gaps: [
          {
            from: 0,
            to: 600_000,
            fromLat: 22.7,
            fromLon: 114.2,
            toLat: 22.75,
            toLon: 114.2,
            distanceM: 6000,
            seconds: 600,
            reason: 'distance',
          },
        ],
      }),
    ],
  ]),
  onNetwork: new Set(['A', 'B', 'D']),
  dutyCheck: { rate: 1, source: 'default' },
};
const none = { overspeedsPerVehicle: 0, fatigueHoursPerVehicle: 0 };

describe('a company scorecard, computed by hand', () => {
  const tallies = tallyCompany(input);
  const card = scoreCompany(input, tallies, none, 10);

  it('tallies the trucks', () => {
    expect(tallies).toEqual({
      registered: 4,
      onNetwork: 3,
      online: 3,
      drifted: 1,
      records: 300,
      qualified: 260,
      mileageM: 30_000,
      completeM: 24_000,
      overspeeds: 0,
      fatigueMs: 0,
    });
  });

  it('scores 80: access 75 % and drift 33 % fall under their cut-offs', () => {
    // access 0.75 < 0.9 → 0; online 3/3 → 5; completeness 0.8 → 12; qualification 0.8667 → 13;
    // drift 1/3 > 5 % → 0; overspeed 20; fatigue 20; duty check 10.
    expect(card.rates).toEqual({
      access: 0.75,
      online: 1,
      completeness: 0.8,
      qualification: 0.8667,
      drift: 0.3333,
    });
    expect(card.points).toEqual({
      access: 0,
      online: 5,
      completeness: 12,
      qualification: 13,
      drift: 0,
      overspeed: 20,
      fatigue: 20,
      dutyCheck: 10,
    });
    expect(card.score).toBe(80);
    expect(card.records).toEqual({
      total: 300,
      qualified: 260,
      unqualified: 40,
      byReason: { speed_out_of_range: 30, lat_out_of_range: 10 },
    });
  });

  it('puts the terminals that cost most points first', () => {
    // Fixing D: completeness 1 → 15 (+3), no drift → 10 (+10): +13.
    // Fixing C: on the network and online, access 1 → 5 (+5); drift 1/4 still over 5 %: +5.
    // Fixing B: qualification 1 → 15 (+2). A: nothing to fix.
    expect(card.trucks.map((t) => [t.truck, t.gain, t.problems])).toEqual([
      ['D', 13, ['broken_track', 'drift']],
      ['C', 5, ['never_online']],
      ['B', 2, ['unqualified_records']],
      ['A', 0, []],
    ]);
    expect(card.fixFirst.map((f) => f.truck)).toEqual(['D', 'C', 'B']);
    expect(card.trucks.find((t) => t.truck === 'A')).toMatchObject({
      plate: '粤B·A',
      qualification: 1,
      completeness: 1,
    });
    expect(card.trucks.find((t) => t.truck === 'C')).toMatchObject({
      onNetwork: false,
      online: false,
      records: 0,
    });
  });

  it('ranks repairs a cut-off would hide by their uncapped gain', () => {
    // Without cut-offs: access 3.75, drift 10 − 3.33; fixing C raises access to 5 (+1.25) and lowers the
    // drift rate to 1/4 (+0.83): 2.08.
    expect(card.trucks.find((t) => t.truck === 'C')?.gainUncapped).toBeCloseTo(2.08, 2);
  });

  it('lists the evidence behind each rate', () => {
    expect(card.evidence.neverOnline).toEqual(['C']);
    expect(card.evidence.offline).toEqual([]);
    expect(card.evidence.gaps).toEqual([
      expect.objectContaining({ truck: 'D', distanceKm: 6, minutes: 10, reason: 'distance' }),
    ]);
    expect(card.evidence.unqualified).toEqual([
      {
        truck: 'B',
        ts: new Date(1000).toISOString(),
        reasons: ['speed_out_of_range'],
        lat: 22.7,
        lon: 114.2,
        speed: 200,
      },
    ]);
  });

  it('tells a truck on the network but silent in the period from one never seen', () => {
    const silent = scoreCompany(
      { ...input, onNetwork: new Set(['A', 'B', 'C', 'D']) },
      tallyCompany({ ...input, onNetwork: new Set(['A', 'B', 'C', 'D']) }),
      none,
      10,
    );
    expect(silent.evidence.offline).toEqual(['C']);
    expect(silent.evidence.neverOnline).toEqual([]);
    expect(silent.rates.online).toBe(0.75);
  });
});

describe('the district ranking', () => {
  it('ranks by score and keeps the summary free of per-truck detail', () => {
    const clean: CompanyInput = {
      ...input,
      id: 'CY',
      name: 'CY',
      nameEn: undefined,
      trucks: [{ id: 'E' }],
      slices: new Map([['E', slice('E', { records: 10, qualified: 10, mileageM: 1000, completeM: 1000 })]]),
      onNetwork: new Set(['E']),
    };
    const district = scoreDistrict(0, 86_400_000, [input, clean], 10);
    expect(district.companies.map((c) => [c.company, c.rank, c.score])).toEqual([
      ['CY', 1, 100],
      ['CX', 2, 80],
    ]);
    const summary = summaryOf(district.companies[1]);
    expect(summary).not.toHaveProperty('trucks');
    expect(summary).not.toHaveProperty('evidence');
    expect(summary).toMatchObject({ company: 'CX', rank: 2, score: 80 });
  });
});
