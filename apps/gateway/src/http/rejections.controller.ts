import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { REJECT_REASONS } from '@lg/contracts';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import type { RejectionSummary } from '../access/rejection-summary';
import { RejectionsService, type RejectionsView } from '../access/rejections.service';
import { ErrorDto } from './dto';
import {
  MAX_REJECTION_LIMIT,
  rejectionQuerySchema,
  rejectionSummaryQuerySchema,
  type RejectionQuery,
  type RejectionSummaryQuery,
} from '../contract/rejections.queries';
import { ZodPipe } from './zod.pipe';

class RejectionRecordDto {
  @ApiProperty({ example: '1777622401204-0' }) id!: string;
  @ApiProperty({ example: 'C01' }) owner!: string;
  @ApiProperty({ example: 'T012' }) device!: string;
  @ApiProperty({ example: 'truck' }) kind!: string;
  @ApiProperty({ enum: REJECT_REASONS, example: 'schema' }) reason!: string;
  @ApiProperty({ example: 'reading 0: speed must be a finite number, got undefined' }) message!: string;
  @ApiProperty({ example: 'lg/v1/truck/C01/T012/telemetry' }) topic!: string;
  @ApiProperty({ example: '2026-05-01T00:00:01.204Z' }) receivedAt!: string;
  @ApiPropertyOptional({ example: 0 }) index?: number;
  @ApiPropertyOptional({ example: 1777622400000, description: 'The reading’s own ts, as sent' }) ts?: number;
  @ApiPropertyOptional({ example: '72657130', description: 'MQTT 5 correlation data, hex' })
  correlationData?: string;
  @ApiProperty({ example: '{"ts":1777622400000,"lat":22.72,"lon":114.24}' }) excerpt!: string;
  @ApiProperty({ example: 46 }) bytes!: number;
}

class RejectionsDto {
  @ApiProperty({ type: [RejectionRecordDto] }) rejections!: RejectionRecordDto[];
  @ApiProperty({ description: 'More matched than limit' }) more!: boolean;
}

const PERIOD = 'ISO-8601 with a zone, or epoch ms; default: the last 24 h';

/**
 * The refused messages kept for each owner (a week or 10,000, whichever comes first): the integration
 * console's history. A company user gets its own only.
 */
@ApiTags('rejections')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/rejections')
export class RejectionsController {
  constructor(private readonly rejections: RejectionsService) {}

  @Get()
  @ApiOperation({
    summary: 'Refused messages, newest first',
    description: 'A company user gets its own company’s only; asking for another owner is 403.',
  })
  @ApiQuery({ name: 'from', required: false, description: PERIOD })
  @ApiQuery({ name: 'to', required: false, description: PERIOD })
  @ApiQuery({ name: 'owner', required: false, example: 'C01', description: 'Operators: one owner only' })
  @ApiQuery({ name: 'device', required: false, example: 'T012' })
  @ApiQuery({ name: 'reason', required: false, enum: REJECT_REASONS })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_REJECTION_LIMIT}, default 100` })
  @ApiOkResponse({ type: RejectionsDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'A company user asking for another owner' })
  list(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(rejectionQuerySchema(), 'query')) q: RejectionQuery,
  ): Promise<RejectionsView> {
    return this.rejections.list(user, q);
  }

  @Get('summary')
  @ApiOperation({
    summary: 'Refused messages per reason, per owner and per device (most refused first, at most 100)',
  })
  @ApiQuery({ name: 'from', required: false, description: PERIOD })
  @ApiQuery({ name: 'to', required: false, description: PERIOD })
  @ApiQuery({ name: 'owner', required: false, example: 'C01' })
  @ApiOkResponse({ description: '{from, to, total, byReason, byOwner, byDevice, moreDevices}' })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  summary(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(rejectionSummaryQuerySchema(), 'query')) q: RejectionSummaryQuery,
  ): Promise<RejectionSummary> {
    return this.rejections.summary(user, q);
  }
}
