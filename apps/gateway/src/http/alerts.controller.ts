import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiForbiddenResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { DEVICE_KINDS, SEVERITIES, type Alert, type AlertTransition } from '@lg/contracts';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { AlertsService } from '../access/alerts.service';
import { AckRequestDto, AlertDto, AlertTransitionDto, ErrorDto } from './dto';
import {
  ackBodySchema,
  alertIdSchema,
  alertQuerySchema,
  MAX_ALERT_LIMIT,
  type AckBody,
  type AlertQuery,
} from './queries';
import { ParamPipe, ZodPipe } from './zod.pipe';
import { bulkAckSchema, MAX_BULK_ACK, type BulkAckBody } from './bulk-ack.queries';
import { BulkAckRequestDto, BulkAckResultDto } from './bulk-ack.dto';
import type { BulkAckResult } from '../access/alerts.service';

@ApiTags('alerts')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/alerts')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiOperation({
    summary: 'Alerts, newest first',
    description:
      'A company user sees only its own trucks’ alerts; asking for slope/gas or another owner is 403.',
  })
  @ApiQuery({ name: 'active', required: false, enum: ['true', 'false'], description: 'The condition holds' })
  @ApiQuery({ name: 'acknowledged', required: false, enum: ['true', 'false'] })
  @ApiQuery({ name: 'kind', required: false, enum: DEVICE_KINDS })
  @ApiQuery({
    name: 'owner',
    required: false,
    example: 'C01',
    description: 'Company, slope site or pipeline network',
  })
  @ApiQuery({ name: 'severity', required: false, enum: SEVERITIES })
  @ApiQuery({
    name: 'since',
    required: false,
    example: '2026-05-01T00:00:00Z',
    description: 'Opened at or after: ISO-8601 with a zone, or epoch ms',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    example: 100,
    description: `1..${MAX_ALERT_LIMIT}, default 100`,
  })
  @ApiOkResponse({ type: [AlertDto] })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A bad query parameter, named in the message' })
  @ApiForbiddenResponse({ type: ErrorDto })
  list(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(alertQuerySchema, 'query')) q: AlertQuery,
  ): Promise<Alert[]> {
    return this.alerts.list(user, q);
  }

  @Post('ack-cleared')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge many cleared alerts at once, with one note',
    description:
      `By \`ids\` (what the person had on screen) or by a filter; at most ${MAX_BULK_ACK} per request (\`more\` ` +
      'says when more match). Only cleared, unacknowledged alerts the user may see; never a red one.',
  })
  @ApiBody({ type: BulkAckRequestDto })
  @ApiOkResponse({ type: BulkAckResultDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  acknowledgeCleared(
    @CurrentUser() user: Principal,
    @Body(new ZodPipe(bulkAckSchema, 'body')) body: BulkAckBody,
  ): Promise<BulkAckResult> {
    return this.alerts.acknowledgeCleared(user, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert' })
  @ApiOkResponse({ type: AlertDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(alertIdSchema, 'id')) id: string,
  ): Promise<Alert> {
    return this.alerts.get(user, id);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge an alert (idempotent: a second acknowledgement changes nothing)',
    description:
      "An operator acknowledges for the command centre. A company user takes its own truck's alert; a red " +
      'one only for its company (companyAck): it stays unacknowledged and escalating until an operator takes it.',
  })
  @ApiBody({ type: AckRequestDto, required: false })
  @ApiOkResponse({ type: AlertDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ description: 'The alert was raised or reopened meanwhile', type: ErrorDto })
  acknowledge(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(alertIdSchema, 'id')) id: string,
    @Body(new ZodPipe(ackBodySchema, 'body')) body: AckBody,
  ): Promise<Alert> {
    return this.alerts.acknowledge(user, id, body.note, body.severity);
  }

  @Get(':id/history')
  @ApiOperation({ summary: 'Every transition of an alert, oldest first (from InfluxDB alert_event)' })
  @ApiOkResponse({ type: [AlertTransitionDto] })
  @ApiNotFoundResponse({ type: ErrorDto })
  history(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(alertIdSchema, 'id')) id: string,
  ): Promise<AlertTransition[]> {
    return this.alerts.history(user, id);
  }
}
