import { Get, HttpCode, Post } from '@nestjs/common';
import type { IncidentAckResult, IncidentView } from '@lg/contracts';
import { CurrentUser, type Principal } from '@lg/auth';
import { IncidentsService } from '../access/incidents.service';
import { z } from '../contract/openapi-zod';
import { incidentAckResultSchema, incidentSchema } from '../contract/responses';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import {
  incidentAckSchema,
  incidentIdSchema,
  incidentQuerySchema,
  MAX_INCIDENT_LIMIT,
  type IncidentAckBody,
  type IncidentQuery,
} from '../contract/incidents.queries';
import { ZodBody, ZodParam, ZodQuery } from './zod.pipe';

@ApiController('api/incidents', { tag: 'incidents' })
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Get()
  @ApiRoute({
    summary: 'Incidents (alerts that opened together for one cause), latest member first, counted now',
    description:
      'A company user sees only its own trucks’ incidents. open: only those with an open member (default ' +
      `true); minSize: default 2; limit: 1..${MAX_INCIDENT_LIMIT}, default 50.`,
    ok: z.array(incidentSchema),
    errors: { 400: '' },
  })
  list(
    @CurrentUser() user: Principal,
    @ZodQuery(incidentQuerySchema) q: IncidentQuery,
  ): Promise<IncidentView[]> {
    return this.incidents.list(user, q);
  }

  @Get(':id')
  @ApiRoute({
    summary: 'One incident with its member alerts',
    ok: incidentSchema,
    errors: { 404: '' },
  })
  get(@CurrentUser() user: Principal, @ZodParam('id', incidentIdSchema) id: string): Promise<IncidentView> {
    return this.incidents.get(user, id);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Acknowledge every open member of an incident with one note',
    description:
      'Each member goes through the alert acknowledgement (a company user takes only for its company). ' +
      'Red members are never acknowledged in bulk: each must be taken on its own. `severity`: the highest ' +
      'the person saw; members raised above it are left.',
    ok: incidentAckResultSchema,
    errors: { 400: '', 404: '' },
  })
  acknowledge(
    @CurrentUser() user: Principal,
    @ZodParam('id', incidentIdSchema) id: string,
    @ZodBody(incidentAckSchema) body: IncidentAckBody,
  ): Promise<IncidentAckResult> {
    return this.incidents.acknowledge(user, id, body.note, body.severity);
  }
}
