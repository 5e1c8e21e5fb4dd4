import { Get, HttpCode, Post } from '@nestjs/common';
import type { Alert, AlertTransition } from '@lg/contracts';
import { CurrentUser, type Principal } from '@lg/auth';
import { AlertsService } from '../access/alerts.service';
import {
  ackBodySchema,
  alertIdSchema,
  alertQuerySchema,
  MAX_ALERT_LIMIT,
  type AckBody,
  type AlertQuery,
} from '../contract/queries';
import { ZodBody, ZodParam, ZodQuery } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { z } from '../contract/openapi-zod';
import { alertSchema, alertTransitionSchema, bulkAckResultSchema } from '../contract/responses';
import { bulkAckSchema, MAX_BULK_ACK, type BulkAckBody } from '../contract/bulk-ack.queries';
import type { BulkAckResult } from '../access/alerts.service';

@ApiController('api/alerts', { tag: 'alerts' })
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  @ApiRoute({
    summary: 'Alerts, newest first',
    description:
      'A company user sees only its own trucks’ alerts; asking for slope/gas or another owner is 403. ' +
      '`held=true` lists the alerts held under a cause (they carry `inhibitedBy`: shown under the cause, ' +
      'never raised to people), `held=false` the others, what is raised to people. `cause=link:C01` (or ' +
      '`gateway:{gateway ID}`, `platform:ingest`) lists the alerts held under that cause; a company user may ' +
      'name its own link or `platform:ingest` (another company’s link or a gateway is 403). ' +
      `limit: 1..${MAX_ALERT_LIMIT}, default 100.`,
    ok: z.array(alertSchema),
    errors: { 400: 'A bad query parameter, named in the message', 403: '' },
  })
  list(@CurrentUser() user: Principal, @ZodQuery(alertQuerySchema) q: AlertQuery): Promise<Alert[]> {
    return this.alerts.list(user, q);
  }

  @Post('ack-cleared')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Acknowledge many cleared alerts at once, with one note',
    description:
      `By \`ids\` (what the person had on screen) or by a filter; at most ${MAX_BULK_ACK} per request (\`more\` ` +
      'says when more match). Only cleared, unacknowledged alerts the user may see; never a red one, and ' +
      'by a filter never a held one (`inhibitedBy`).',
    ok: bulkAckResultSchema,
    errors: { 400: '', 403: '' },
  })
  acknowledgeCleared(
    @CurrentUser() user: Principal,
    @ZodBody(bulkAckSchema) body: BulkAckBody,
  ): Promise<BulkAckResult> {
    return this.alerts.acknowledgeCleared(user, body);
  }

  @Get(':id')
  @ApiRoute({ summary: 'One alert', ok: alertSchema, errors: { 404: '' } })
  get(@CurrentUser() user: Principal, @ZodParam('id', alertIdSchema) id: string): Promise<Alert> {
    return this.alerts.get(user, id);
  }

  @Post(':id/ack')
  @ApiRoute({
    summary: 'Acknowledge an alert (idempotent: a second acknowledgement changes nothing)',
    description:
      "An operator acknowledges for the command centre. A company user takes its own truck's alert; a red " +
      'one only for its company (companyAck): it stays unacknowledged and escalating until an operator takes it.',
    ok: alertSchema,
    errors: { 400: '', 404: '', 409: 'The alert was raised or reopened meanwhile' },
  })
  @HttpCode(200)
  acknowledge(
    @CurrentUser() user: Principal,
    @ZodParam('id', alertIdSchema) id: string,
    @ZodBody(ackBodySchema) body: AckBody,
  ): Promise<Alert> {
    return this.alerts.acknowledge(user, id, body.note, body.severity);
  }

  @Get(':id/history')
  @ApiRoute({
    summary: 'Every transition of an alert, oldest first (from InfluxDB alert_event)',
    ok: z.array(alertTransitionSchema),
    errors: { 404: '' },
  })
  history(
    @CurrentUser() user: Principal,
    @ZodParam('id', alertIdSchema) id: string,
  ): Promise<AlertTransition[]> {
    return this.alerts.history(user, id);
  }
}
