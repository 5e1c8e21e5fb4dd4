import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { IncidentAckResult, IncidentView } from '@lg/contracts';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { IncidentsService } from '../access/incidents.service';
import { ErrorDto } from './dto';
import { IncidentAckRequestDto, IncidentAckResultDto, IncidentDto } from './incidents.dto';
import {
  incidentAckSchema,
  incidentIdSchema,
  incidentQuerySchema,
  MAX_INCIDENT_LIMIT,
  type IncidentAckBody,
  type IncidentQuery,
} from './incidents.queries';
import { ParamPipe, ZodPipe } from './zod.pipe';

@ApiTags('incidents')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/incidents')
export class IncidentsController {
  constructor(private readonly incidents: IncidentsService) {}

  @Get()
  @ApiOperation({
    summary: 'Incidents (alerts that opened together for one cause), latest member first, counted now',
    description: 'A company user sees only its own trucks’ incidents.',
  })
  @ApiQuery({ name: 'open', required: false, enum: ['true', 'false'], description: 'default true' })
  @ApiQuery({ name: 'minSize', required: false, example: 2, description: 'default 2' })
  @ApiQuery({ name: 'limit', required: false, example: 50, description: `1..${MAX_INCIDENT_LIMIT}` })
  @ApiOkResponse({ type: [IncidentDto] })
  @ApiBadRequestResponse({ type: ErrorDto })
  list(
    @CurrentUser() user: Principal,
    @Query(new ZodPipe(incidentQuerySchema, 'query')) q: IncidentQuery,
  ): Promise<IncidentView[]> {
    return this.incidents.list(user, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One incident with its member alerts' })
  @ApiOkResponse({ type: IncidentDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  get(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(incidentIdSchema, 'id')) id: string,
  ): Promise<IncidentView> {
    return this.incidents.get(user, id);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Acknowledge every open member of an incident with one note',
    description:
      'Each member goes through the alert acknowledgement (a company user takes only for its company). ' +
      'Red members are never acknowledged in bulk: each must be taken on its own.',
  })
  @ApiBody({ type: IncidentAckRequestDto, required: false })
  @ApiOkResponse({ type: IncidentAckResultDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  acknowledge(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(incidentIdSchema, 'id')) id: string,
    @Body(new ZodPipe(incidentAckSchema, 'body')) body: IncidentAckBody,
  ): Promise<IncidentAckResult> {
    return this.incidents.acknowledge(user, id, body.note, body.severity);
  }
}
