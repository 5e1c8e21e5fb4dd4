import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ALERT_TRANSITIONS, DEVICE_KINDS, ESCALATION_LEVELS, SEVERITIES } from '@lg/contracts';
import { ROLES } from '@lg/auth';
import { MAX_NOTE_LENGTH } from './queries';

/**
 * OpenAPI schemas of the REST API (contract v1). Validation itself is done by the zod schemas in
 * `queries.ts`; these classes only describe the shapes and give examples for `/api/docs`.
 */

export class ErrorDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'severity: must be one of blue, yellow, orange, red, got "purple"' })
  message!: string;
}

export class LoginRequestDto {
  @ApiProperty({ example: 'operator', maxLength: 64 }) username!: string;
  @ApiProperty({ example: 'operator', maxLength: 256 }) password!: string;
}

export class UserDto {
  @ApiProperty({ example: 'c01' }) username!: string;
  @ApiProperty({ enum: ROLES, example: 'company' }) role!: string;
  @ApiPropertyOptional({ example: 'C01', description: 'The company of a company user' }) company?: string;
}

export class LoginResponseDto {
  @ApiProperty({
    description: 'JWT (HS256) carrying sub, role, company; send as `Authorization: Bearer <token>`',
  })
  token!: string;
  @ApiProperty({ example: '2026-05-01T20:00:00.000Z' }) expiresAt!: string;
  @ApiProperty({ type: UserDto }) user!: UserDto;
}

export class DutyContactDto {
  @ApiProperty({ example: '公司1监控员' }) name!: string;
  @ApiProperty({ example: '0755-28901501' }) phone!: string;
  @ApiPropertyOptional({ example: '企业监控' }) role?: string;
}

export class EscalationDto {
  @ApiProperty({ enum: ESCALATION_LEVELS, example: 'company' }) level!: string;
  @ApiPropertyOptional({ example: 'C01' }) unit?: string;
  @ApiProperty({ example: '2026-05-01T08:00:00.000Z' }) since!: string;
  @ApiProperty({ type: [DutyContactDto] }) notify!: DutyContactDto[];
}

export class LocationDto {
  @ApiProperty({ example: 22.7201 }) lat!: number;
  @ApiProperty({ example: 114.2468 }) lon!: number;
}

export class AlertActionDto {
  @ApiProperty({ example: 'evacuate' }) type!: string;
  @ApiProperty({ example: '撤离受威胁楼栋 / evacuate the threatened buildings' }) description!: string;
  @ApiPropertyOptional({ type: [String], example: ['B-S01-1'] }) targets?: string[];
}

const valueSchema = { oneOf: [{ type: 'number' }, { type: 'string' }] as SchemaObject[], nullable: true };

export class AcknowledgementDto {
  @ApiProperty({ example: 'c01' }) by!: string;
  @ApiProperty({ example: '2026-05-01T08:02:00.000Z' }) at!: string;
  @ApiPropertyOptional({ example: '已电话联系司机 / called the driver' }) note?: string;
}

export class AlertDto {
  @ApiProperty({ example: 'truck.overspeed~T001~lp3k2a0' }) id!: string;
  @ApiProperty({ example: 'truck.overspeed' }) rule!: string;
  @ApiProperty({ enum: SEVERITIES, example: 'orange' }) severity!: string;
  @ApiProperty({ description: 'The condition holds' }) active!: boolean;
  @ApiProperty({ description: 'A person took it' }) acknowledged!: boolean;
  @ApiProperty({ enum: DEVICE_KINDS, example: 'truck' }) kind!: string;
  @ApiProperty({ example: 'C01' }) owner!: string;
  @ApiProperty({ example: 'T001' }) device!: string;
  @ApiProperty({ example: '超速 78 km/h (限速 60) / overspeed 78 km/h (limit 60)' }) message!: string;
  @ApiProperty({ ...valueSchema, example: 78 }) value!: number | string | null;
  @ApiProperty({ ...valueSchema, example: 60 }) threshold!: number | string | null;
  @ApiPropertyOptional({ type: LocationDto }) location?: LocationDto;
  @ApiProperty({ example: '2026-05-01T08:00:00.000Z' }) openedAt!: string;
  @ApiProperty({ example: '2026-05-01T08:01:00.000Z' }) updatedAt!: string;
  @ApiPropertyOptional({ example: '2026-05-01T08:05:00.000Z' }) clearedAt?: string;
  @ApiPropertyOptional({ example: '2026-05-01T08:02:00.000Z' }) ackedAt?: string;
  @ApiPropertyOptional({ example: 'operator' }) ackedBy?: string;
  @ApiPropertyOptional({ example: '已电话联系司机 / called the driver' }) note?: string;
  @ApiPropertyOptional({
    type: AcknowledgementDto,
    description: "A company's taking of its red truck alert; the command centre must still acknowledge it",
  })
  companyAck?: AcknowledgementDto;
  @ApiProperty({ example: 1, description: 'Times the condition fired while open' }) count!: number;
  @ApiProperty({ type: EscalationDto }) escalation!: EscalationDto;
  @ApiPropertyOptional({ type: [AlertActionDto] }) actions?: AlertActionDto[];
  @ApiPropertyOptional({
    example: 'i~truck.offline~C01~mbq3k0',
    description: 'The incident it joined when it opened (GET /api/incidents/{id})',
  })
  incident?: string;
}

export class AckRequestDto {
  @ApiPropertyOptional({ maxLength: MAX_NOTE_LENGTH, example: '已电话联系司机 / called the driver' })
  note?: string;
  @ApiPropertyOptional({
    enum: SEVERITIES,
    example: 'orange',
    description: 'The severity the person saw: 409 when the alert has been raised above it since',
  })
  severity?: string;
}

export class AlertTransitionDto {
  @ApiProperty({ example: 'truck.overspeed~T001~lp3k2a0' }) alertId!: string;
  @ApiProperty({ enum: ALERT_TRANSITIONS, example: 'acknowledged' }) type!: string;
  @ApiProperty({ example: '2026-05-01T08:02:00.000Z' }) at!: string;
  @ApiProperty({ example: 'operator', description: '`system` for rule-driven transitions' }) by!: string;
  @ApiProperty({ enum: SEVERITIES, example: 'orange' }) severity!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() acknowledged!: boolean;
  @ApiProperty({ ...valueSchema, example: 78 }) value!: number | string | null;
  @ApiPropertyOptional() note?: string;
  @ApiPropertyOptional({ enum: SEVERITIES, description: 'On raised, lowered, reopened: the severity before' })
  previousSeverity?: string;
  @ApiPropertyOptional({
    type: AcknowledgementDto,
    description: 'On raised and reopened: the acknowledgement it took away (the alert must be taken again)',
  })
  clearedAck?: AcknowledgementDto;
  @ApiPropertyOptional({ type: AcknowledgementDto, description: "Likewise, a company's taking it took away" })
  clearedCompanyAck?: AcknowledgementDto;
}

export class DeviceDto {
  @ApiProperty({ example: 'T001' }) id!: string;
  @ApiProperty({ enum: DEVICE_KINDS, example: 'truck' }) kind!: string;
  @ApiProperty({ example: 'C01', description: 'Company, slope site or pipeline network' }) owner!: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ description: 'Fixed devices only' }) lat?: number;
  @ApiPropertyOptional({ description: 'Fixed devices only' }) lon?: number;
  @ApiPropertyOptional({ example: 'GR-BJ11' }) grid?: string;
  @ApiPropertyOptional({ example: '粤B·D1001' }) plate?: string;
  @ApiPropertyOptional({ example: 2, description: 'Plate colour (JT/T 697.7: 1 blue, 2 yellow, …)' })
  plateColor?: number;
  @ApiPropertyOptional({ example: '013807550001', description: 'JT/T 808 terminal number (SIM)' })
  terminal?: string;
  @ApiPropertyOptional({ example: '3' }) hazmatClass?: string;
  @ApiPropertyOptional({ type: [String], example: ['UN1203'] }) un?: string[];
  @ApiProperty({ example: 10, description: 'Nominal reporting interval, seconds' }) intervalSec!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '2026-05-01T08:00:00.000Z',
    description: 'Event time of the last reading',
  })
  lastSeen!: string | null;
  @ApiProperty() online!: boolean;
}

export class TrackPointDto {
  @ApiProperty({ example: '2026-05-01T08:00:00.000Z' }) ts!: string;
  @ApiProperty({ example: 22.7201 }) lat!: number;
  @ApiProperty({ example: 114.2468 }) lon!: number;
  @ApiProperty({ nullable: true, type: Number, example: 52.5, description: 'km/h' }) speed!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 90, description: 'degrees' }) heading!: number | null;
  @ApiProperty({ nullable: true, enum: ['ok', 'bad'], example: 'ok' }) q!: string | null;
  @ApiProperty({
    required: false,
    type: [String],
    example: ['drift'],
    description: 'Why the fix is unqualified (e.g. speed_out_of_range), or `drift` for a GPS jump',
  })
  why?: string[];
}

export class TrackDto {
  @ApiProperty({ example: 'T001' }) id!: string;
  @ApiProperty({ example: 'C01' }) owner!: string;
  @ApiProperty({ example: '2026-05-01T07:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-05-01T08:00:00.000Z' }) to!: string;
  @ApiProperty({ type: [TrackPointDto] }) points!: TrackPointDto[];
  @ApiProperty({ description: 'More fixes exist than the 10 000 returned' }) truncated!: boolean;
  @ApiProperty({
    example: 60,
    description:
      "The truck's speed limit off the expressway corridors, km/h: truck.overspeed's roadLimitKmh for it in the live rule pack",
  })
  roadLimitKmh!: number;
}

export class SeriesPointDto {
  @ApiProperty({ example: '2026-05-01T08:00:00.000Z', description: 'Reading time, or bucket start' })
  ts!: string;
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }],
    nullable: true,
    example: 12.5,
  })
  value!: number | string | boolean | null;
  @ApiPropertyOptional({ example: 6, description: 'Readings in the bucket (with every)' }) count?: number;
  @ApiPropertyOptional({ enum: ['ok', 'bad'], description: 'Quality (raw readings)' }) q?: string | null;
}

export class SeriesDto {
  @ApiProperty({ example: 'G001' }) id!: string;
  @ApiProperty({ enum: DEVICE_KINDS, example: 'gas' }) kind!: string;
  @ApiProperty({ example: 'P01' }) owner!: string;
  @ApiProperty({ example: 'lel' }) field!: string;
  @ApiProperty({ example: '2026-04-30T08:00:00.000Z' }) from!: string;
  @ApiProperty({ example: '2026-05-01T08:00:00.000Z' }) to!: string;
  @ApiPropertyOptional({ example: '1m', description: 'Bucket width: each point is the mean of a bucket' })
  every?: string;
  @ApiProperty({ type: [SeriesPointDto] }) points!: SeriesPointDto[];
  @ApiProperty() truncated!: boolean;
}
