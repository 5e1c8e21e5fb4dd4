import { z } from './openapi-zod';

/**
 * The scorecard's answers (交运发〔2016〕160号), for the OpenAPI document. Rates are fractions 0–1, null
 * when their denominator is empty; points and score are rounded to 0.01. See docs/scorecard.md.
 */

const rate = (description: string, example: number) =>
  z.number().nullable().openapi({ example, description });
const n = (example?: number, description?: string) => z.number().openapi({ example, description });
const day = (example: string) => z.string().openapi({ example });

const ratesSchema = z
  .object({
    access: rate('Vehicles on the network ÷ vehicles registered (0 points below 0.9)', 0.6667),
    online: rate('Vehicles online in the period ÷ vehicles on the network', 1),
    completeness: rate('Mileage of complete track ÷ total mileage (0 points below 0.7)', 0.9812),
    qualification: rate('Qualified records ÷ all records (0 points below 0.8)', 0.9521),
    drift: rate('Vehicles that drifted ÷ vehicles online (0 points above 0.05)', 0.5),
  })
  .openapi('ScorecardRates');

const pointsSchema = z
  .object({
    access: n(0, 'rate × 5'),
    online: n(5, 'rate × 5'),
    completeness: n(14.72, 'rate × 15'),
    qualification: n(14.28, 'rate × 15'),
    drift: n(0, '10 − rate × 10'),
    overspeed: n(20, '0–20 against the regional average'),
    fatigue: n(20, '0–20 against the regional average'),
    dutyCheck: n(10, 'rate × 10'),
  })
  .openapi('ScorecardPoints');

const PROBLEMS = ['never_online', 'offline', 'unqualified_records', 'broken_track', 'drift'] as const;

const companyScorecardShape = {
  company: z.string().openapi({ example: 'C01' }),
  name: z.string().openapi({ example: '深圳市龙岗危险品运输公司1号' }),
  nameEn: z.string().optional(),
  rank: n(3, 'Operators only').optional(),
  vehicles: z.object({ registered: n(3), onNetwork: n(2), online: n(2), drifted: n(1) }),
  records: z.object({
    total: n(120),
    qualified: n(116),
    unqualified: n(4),
    byReason: z
      .record(z.number())
      .openapi({ description: 'Per reason code', example: { speed_out_of_range: 2 } }),
  }),
  mileage: z.object({ totalKm: n(12.345), completeKm: n(11.2), gaps: n(2, 'Segments that broke a track') }),
  rates: ratesSchema,
  overspeeds: z.object({ count: n(1), perVehicle: z.number().nullable(), regionalAverage: n(0.25) }),
  fatigue: z.object({ hours: n(0.5), perVehicle: z.number().nullable(), regionalAverage: n(0.1) }),
  dutyCheck: z.object({
    rate: n(1),
    source: z.enum(['measured', 'configured', 'default']).openapi({
      description:
        'measured: duty checks answered in time ÷ checks decided in the period; else an operator’s figure, else the default (1)',
    }),
    checks: z
      .object({
        asked: z.number(),
        decided: z.number(),
        inTime: z.number(),
        late: z.number(),
        missed: z.number(),
      })
      .optional(),
  }),
  points: pointsSchema,
  score: n(68.2, '0–100'),
};

export const rankingSchema = z
  .object({
    from: day('2026-04-30T16:00:00.000Z'),
    to: day('2026-05-01T16:00:00.000Z'),
    regional: z.object({ overspeedsPerVehicle: n(0.25), fatigueHoursPerVehicle: n(0.1) }),
    companies: z
      .array(z.object(companyScorecardShape).openapi('CompanyScorecard'))
      .openapi({ description: 'Highest score first' }),
  })
  .openapi('ScorecardRanking');

const truckSchema = z
  .object({
    truck: z.string().openapi({ example: 'T002' }),
    plate: z.string().optional(),
    onNetwork: z.boolean(),
    online: z.boolean(),
    records: n(40),
    qualified: n(36),
    qualification: z.number().nullable(),
    unqualifiedByReason: z.record(z.number()),
    mileageKm: n(4.2),
    completeKm: n(4.2),
    completeness: z.number().nullable(),
    gaps: n(0),
    drifted: z.boolean(),
    driftFixes: n(2),
    overspeeds: n(0),
    fatigueHours: n(0),
    problems: z.array(z.enum(PROBLEMS)),
    gain: n(10, 'Points the company gains if this terminal is fixed'),
    gainUncapped: n(6.67, 'The same gain with the cut-offs set aside'),
  })
  .openapi('TruckScorecard');

const evidenceSchema = z.object({
  neverOnline: z.array(z.string()).openapi({ description: 'Never sent a qualified record' }),
  offline: z.array(z.string()).openapi({ description: 'On the network, silent in the period' }),
  gaps: z
    .array(
      z.object({
        truck: z.string(),
        from: z.string(),
        to: z.string(),
        fromLat: z.number(),
        fromLon: z.number(),
        toLat: z.number(),
        toLon: z.number(),
        distanceKm: z.number(),
        minutes: z.number(),
        reason: z.enum(['distance', 'time']),
      }),
    )
    .openapi({ description: 'Most mileage first' }),
  drifts: z
    .array(
      z.object({
        truck: z.string(),
        ts: z.string(),
        lat: z.number(),
        lon: z.number(),
        prevTs: z.string(),
        prevLat: z.number(),
        prevLon: z.number(),
        distanceKm: z.number(),
        seconds: z.number(),
        impliedKmh: z.number().nullable(),
        reason: z.enum(['speed', 'jump']),
      }),
    )
    .openapi({ description: 'Highest implied speed first' }),
  unqualified: z
    .array(
      z.object({
        truck: z.string(),
        ts: z.string(),
        reasons: z.array(z.string()),
        lat: z.number().nullable(),
        lon: z.number().nullable(),
        speed: z.number().nullable(),
      }),
    )
    .openapi({ description: 'Newest first' }),
});

export const companyDetailSchema = z
  .object({
    ...companyScorecardShape,
    from: day('2026-04-30T16:00:00.000Z'),
    to: day('2026-05-01T16:00:00.000Z'),
    trucks: z.array(truckSchema).openapi({ description: 'Every registered truck, most harmful first' }),
    fixFirst: z.array(
      z.object({
        truck: z.string(),
        plate: z.string().optional(),
        gain: z.number(),
        gainUncapped: z.number(),
        problems: z.array(z.enum(PROBLEMS)),
      }),
    ),
    evidence: evidenceSchema,
  })
  .openapi('CompanyScorecardDetail');

export const trendSchema = z
  .object({
    company: z.string().openapi({ example: 'C01' }),
    days: n(30),
    points: z
      .array(
        z.object({
          day: day('2026-05-01').openapi({ description: 'Local day (Asia/Shanghai)' }),
          score: n(91.5),
          rates: ratesSchema,
          points: pointsSchema,
        }),
      )
      .openapi({ description: 'Oldest first; days without a kept result are left out' }),
  })
  .openapi('ScorecardTrend');

export const scorecardSettingsSchema = z
  .object({
    settings: z.record(z.unknown()).openapi({
      description: 'The settings in force, defaults filled in',
      example: {
        track: { gapDistanceM: 1000, gapTimeSec: 300, movingSpeedKmh: 5, movingDistanceM: 100 },
        drift: { maxSpeedKmh: 160, jumpM: 1000, jumpSec: 10 },
        dutyCheck: { default: 1, companies: {} },
        accessLookbackDays: 365,
        evidenceLimit: 10,
      },
    }),
    overrides: z
      .record(z.unknown())
      .openapi({ description: 'What an operator set', example: { track: { gapTimeSec: 600 } } }),
  })
  .openapi('ScorecardSettings');
