import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * OpenAPI schemas of the scorecard (交运发〔2016〕160号). Rates are fractions 0–1, null when their
 * denominator is empty; points and score are rounded to 0.01. See docs/scorecard.md.
 */

const rate = (description: string, example: number) => ({
  type: Number,
  nullable: true,
  example,
  description,
});

export class RatesDto {
  @ApiProperty(rate('Vehicles on the network ÷ vehicles registered (0 points below 0.9)', 0.6667))
  access!: number | null;
  @ApiProperty(rate('Vehicles online in the period ÷ vehicles on the network', 1)) online!: number | null;
  @ApiProperty(rate('Mileage of complete track ÷ total mileage (0 points below 0.7)', 0.9812))
  completeness!: number | null;
  @ApiProperty(rate('Qualified records ÷ all records (0 points below 0.8)', 0.9521))
  qualification!: number | null;
  @ApiProperty(rate('Vehicles that drifted ÷ vehicles online (0 points above 0.05)', 0.5)) drift!:
    number | null;
}

export class PointsDto {
  @ApiProperty({ example: 0, description: 'rate × 5' }) access!: number;
  @ApiProperty({ example: 5, description: 'rate × 5' }) online!: number;
  @ApiProperty({ example: 14.72, description: 'rate × 15' }) completeness!: number;
  @ApiProperty({ example: 14.28, description: 'rate × 15' }) qualification!: number;
  @ApiProperty({ example: 0, description: '10 − rate × 10' }) drift!: number;
  @ApiProperty({ example: 20, description: '0–20 against the regional average' }) overspeed!: number;
  @ApiProperty({ example: 20, description: '0–20 against the regional average' }) fatigue!: number;
  @ApiProperty({ example: 10, description: 'rate × 10' }) dutyCheck!: number;
}

export class VehiclesDto {
  @ApiProperty({ example: 3 }) registered!: number;
  @ApiProperty({ example: 2 }) onNetwork!: number;
  @ApiProperty({ example: 2 }) online!: number;
  @ApiProperty({ example: 1 }) drifted!: number;
}

export class RecordsDto {
  @ApiProperty({ example: 120 }) total!: number;
  @ApiProperty({ example: 116 }) qualified!: number;
  @ApiProperty({ example: 4 }) unqualified!: number;
  @ApiProperty({ example: { speed_out_of_range: 2, lat_out_of_range: 2 }, description: 'Per reason code' })
  byReason!: Record<string, number>;
}

export class MileageDto {
  @ApiProperty({ example: 12.345 }) totalKm!: number;
  @ApiProperty({ example: 11.2 }) completeKm!: number;
  @ApiProperty({ example: 2, description: 'Segments that broke a track' }) gaps!: number;
}

export class PerVehicleDto {
  @ApiProperty({ example: 1 }) count!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.5 }) perVehicle!: number | null;
  @ApiProperty({ example: 0.25 }) regionalAverage!: number;
}

export class FatigueDto {
  @ApiProperty({ example: 0.5 }) hours!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.25 }) perVehicle!: number | null;
  @ApiProperty({ example: 0.1 }) regionalAverage!: number;
}

export class DutyCheckDto {
  @ApiProperty({ example: 1 }) rate!: number;
  @ApiProperty({
    enum: ['measured', 'configured', 'default'],
    description:
      'measured: duty checks answered in time ÷ checks decided in the period; else an operator’s figure, else the default (1)',
  })
  source!: string;
  @ApiPropertyOptional({
    description: 'With measured: {asked, decided, inTime, late, missed}',
    example: { asked: 3, decided: 3, inTime: 2, late: 1, missed: 0 },
  })
  checks?: object;
}

export class RegionalDto {
  @ApiProperty({ example: 0.25 }) overspeedsPerVehicle!: number;
  @ApiProperty({ example: 0.1 }) fatigueHoursPerVehicle!: number;
}

export class CompanyScorecardDto {
  @ApiProperty({ example: 'C01' }) company!: string;
  @ApiProperty({ example: '深圳市龙岗危险品运输公司1号' }) name!: string;
  @ApiPropertyOptional({ example: 'Longgang Hazmat Transport 1' }) nameEn?: string;
  @ApiPropertyOptional({ example: 3, description: 'Operators only' }) rank?: number;
  @ApiProperty({ type: VehiclesDto }) vehicles!: VehiclesDto;
  @ApiProperty({ type: RecordsDto }) records!: RecordsDto;
  @ApiProperty({ type: MileageDto }) mileage!: MileageDto;
  @ApiProperty({ type: RatesDto }) rates!: RatesDto;
  @ApiProperty({ type: PerVehicleDto }) overspeeds!: PerVehicleDto;
  @ApiProperty({ type: FatigueDto }) fatigue!: FatigueDto;
  @ApiProperty({ type: DutyCheckDto }) dutyCheck!: DutyCheckDto;
  @ApiProperty({ type: PointsDto }) points!: PointsDto;
  @ApiProperty({ example: 68.2, description: '0–100' }) score!: number;
}

export class RankingDto {
  @ApiProperty({ example: '2026-04-30T16:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-05-01T16:00:00.000Z' }) to!: string;
  @ApiProperty({ type: RegionalDto }) regional!: RegionalDto;
  @ApiProperty({ type: [CompanyScorecardDto], description: 'Highest score first' })
  companies!: CompanyScorecardDto[];
}

const PROBLEMS = ['never_online', 'offline', 'unqualified_records', 'broken_track', 'drift'];

export class TruckScorecardDto {
  @ApiProperty({ example: 'T002' }) truck!: string;
  @ApiPropertyOptional({ example: '粤B·D1002' }) plate?: string;
  @ApiProperty() onNetwork!: boolean;
  @ApiProperty() online!: boolean;
  @ApiProperty({ example: 40 }) records!: number;
  @ApiProperty({ example: 36 }) qualified!: number;
  @ApiProperty({ type: Number, nullable: true, example: 0.9 }) qualification!: number | null;
  @ApiProperty({ example: { speed_out_of_range: 2 } }) unqualifiedByReason!: Record<string, number>;
  @ApiProperty({ example: 4.2 }) mileageKm!: number;
  @ApiProperty({ example: 4.2 }) completeKm!: number;
  @ApiProperty({ type: Number, nullable: true, example: 1 }) completeness!: number | null;
  @ApiProperty({ example: 0 }) gaps!: number;
  @ApiProperty() drifted!: boolean;
  @ApiProperty({ example: 2 }) driftFixes!: number;
  @ApiProperty({ example: 0 }) overspeeds!: number;
  @ApiProperty({ example: 0 }) fatigueHours!: number;
  @ApiProperty({ enum: PROBLEMS, isArray: true }) problems!: string[];
  @ApiProperty({ example: 10, description: 'Points the company gains if this terminal is fixed' })
  gain!: number;
  @ApiProperty({ example: 6.67, description: 'The same gain with the cut-offs set aside' })
  gainUncapped!: number;
}

export class FixFirstDto {
  @ApiProperty({ example: 'T002' }) truck!: string;
  @ApiPropertyOptional() plate?: string;
  @ApiProperty({ example: 10 }) gain!: number;
  @ApiProperty({ example: 6.67 }) gainUncapped!: number;
  @ApiProperty({ enum: PROBLEMS, isArray: true }) problems!: string[];
}

export class GapEvidenceDto {
  @ApiProperty({ example: 'T001' }) truck!: string;
  @ApiProperty({ example: '2026-05-01T02:05:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-05-01T02:15:00.000Z' }) to!: string;
  @ApiProperty() fromLat!: number;
  @ApiProperty() fromLon!: number;
  @ApiProperty() toLat!: number;
  @ApiProperty() toLon!: number;
  @ApiProperty({ example: 2.224 }) distanceKm!: number;
  @ApiProperty({ example: 10 }) minutes!: number;
  @ApiProperty({ enum: ['distance', 'time'] }) reason!: string;
}

export class DriftEvidenceDto {
  @ApiProperty({ example: 'T002' }) truck!: string;
  @ApiProperty({ example: '2026-05-01T02:01:00.000Z' }) ts!: string;
  @ApiProperty() lat!: number;
  @ApiProperty() lon!: number;
  @ApiProperty() prevTs!: string;
  @ApiProperty() prevLat!: number;
  @ApiProperty() prevLon!: number;
  @ApiProperty({ example: 5.56 }) distanceKm!: number;
  @ApiProperty({ example: 10 }) seconds!: number;
  @ApiProperty({ type: Number, nullable: true, example: 2001.5 }) impliedKmh!: number | null;
  @ApiProperty({ enum: ['speed', 'jump'] }) reason!: string;
}

export class UnqualifiedEvidenceDto {
  @ApiProperty({ example: 'T002' }) truck!: string;
  @ApiProperty({ example: '2026-05-01T02:03:00.000Z' }) ts!: string;
  @ApiProperty({ type: [String], example: ['speed_out_of_range'] }) reasons!: string[];
  @ApiProperty({ type: Number, nullable: true }) lat!: number | null;
  @ApiProperty({ type: Number, nullable: true }) lon!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 200 }) speed!: number | null;
}

export class EvidenceDto {
  @ApiProperty({ type: [String], example: ['T003'], description: 'Never sent a qualified record' })
  neverOnline!: string[];
  @ApiProperty({ type: [String], description: 'On the network, silent in the period' }) offline!: string[];
  @ApiProperty({ type: [GapEvidenceDto], description: 'Most mileage first' }) gaps!: GapEvidenceDto[];
  @ApiProperty({ type: [DriftEvidenceDto], description: 'Highest implied speed first' })
  drifts!: DriftEvidenceDto[];
  @ApiProperty({ type: [UnqualifiedEvidenceDto], description: 'Newest first' })
  unqualified!: UnqualifiedEvidenceDto[];
}

export class CompanyDetailDto extends CompanyScorecardDto {
  @ApiProperty({ example: '2026-04-30T16:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-05-01T16:00:00.000Z' }) to!: string;
  @ApiProperty({ type: [TruckScorecardDto], description: 'Every registered truck, most harmful first' })
  trucks!: TruckScorecardDto[];
  @ApiProperty({ type: [FixFirstDto] }) fixFirst!: FixFirstDto[];
  @ApiProperty({ type: EvidenceDto }) evidence!: EvidenceDto;
}

export class TrendPointDto {
  @ApiProperty({ example: '2026-05-01', description: 'Local day (Asia/Shanghai)' }) day!: string;
  @ApiProperty({ example: 91.5 }) score!: number;
  @ApiProperty({ type: RatesDto }) rates!: RatesDto;
  @ApiProperty({ type: PointsDto }) points!: PointsDto;
}

export class TrendDto {
  @ApiProperty({ example: 'C01' }) company!: string;
  @ApiProperty({ example: 30 }) days!: number;
  @ApiProperty({
    type: [TrendPointDto],
    description: 'Oldest first; days without a kept result are left out',
  })
  points!: TrendPointDto[];
}

export class ScorecardSettingsDto {
  @ApiProperty({
    description: 'The settings in force, defaults filled in',
    example: {
      track: { gapDistanceM: 1000, gapTimeSec: 300, movingSpeedKmh: 5, movingDistanceM: 100 },
      drift: { maxSpeedKmh: 160, jumpM: 1000, jumpSec: 10 },
      alerts: {
        overspeedRule: 'truck.overspeed',
        fatigueRule: 'truck.fatigue',
        fatigueMinSeverity: 'orange',
        lookbackHours: 24,
      },
      dutyCheck: { default: 1, companies: {} },
      accessLookbackDays: 365,
      evidenceLimit: 10,
    },
  })
  settings!: Record<string, unknown>;
  @ApiProperty({ description: 'What an operator set', example: { track: { gapTimeSec: 600 } } })
  overrides!: Record<string, unknown>;
}
