import { Get, HttpCode, Post } from '@nestjs/common';
import type { Alert } from '@lg/contracts';
import { CurrentUser, type Principal } from '@lg/auth';
import type { ShelfRequest } from '@lg/alerts';
import { ShelvingService, type ShelveResult } from '../access/shelving.service';
import { alertSchema } from '../contract/responses';
import { alertIdSchema, deviceIdSchema } from '../contract/queries';
import {
  shelfRequestIdSchema,
  shelveResultSchema,
  shelveSchema,
  shelvesSchema,
  type ShelveBody,
} from '../contract/shelving.queries';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { ZodBody, ZodParam } from './zod.pipe';

const SHELVE_DESCRIPTION =
  'Operators only. `minutes`: 5..1440; `reason`: required. A red alert (or a device with one) is not ' +
  'shelved at once: the answer carries a `request` that a second, different operator confirms within 15 ' +
  'minutes. Shelved alerts leave the live list and its sounds, do not escalate, come back by themselves ' +
  'when the time is over and at once when they rise above the severity shelved.';

@ApiController('api', { tag: 'shelving' })
export class ShelvingController {
  constructor(private readonly shelving: ShelvingService) {}

  @Post('alerts/:id/shelve')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Shelve a nuisance alert for a stated time, with a reason',
    description: SHELVE_DESCRIPTION,
    ok: shelveResultSchema,
    errors: { 400: '', 403: '', 404: '', 409: 'Closed, raised since seen, or too many requests waiting' },
  })
  shelveAlert(
    @CurrentUser() user: Principal,
    @ZodParam('id', alertIdSchema) id: string,
    @ZodBody(shelveSchema) body: ShelveBody,
  ): Promise<ShelveResult> {
    return this.shelving.shelveAlert(user, id, body);
  }

  @Post('devices/:id/shelve')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Shelve every open alert of a device for a stated time, with a reason',
    description: SHELVE_DESCRIPTION + ' Alerts that open later on the device are not shelved.',
    ok: shelveResultSchema,
    errors: { 400: '', 403: '', 409: 'No open alert, raised since seen, or too many requests waiting' },
  })
  shelveDevice(
    @CurrentUser() user: Principal,
    @ZodParam('id', deviceIdSchema) id: string,
    @ZodBody(shelveSchema) body: ShelveBody,
  ): Promise<ShelveResult> {
    return this.shelving.shelveDevice(user, id, body);
  }

  @Post('alerts/:id/unshelve')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Bring a shelved alert back before its time',
    ok: alertSchema,
    errors: { 403: '', 404: '', 409: 'Not shelved' },
  })
  unshelve(@CurrentUser() user: Principal, @ZodParam('id', alertIdSchema) id: string): Promise<Alert> {
    return this.shelving.unshelve(user, id);
  }

  @Get('shelves')
  @ApiRoute({
    summary: 'Shelved alerts (soonest back first) and requests waiting for a second operator',
    description: 'A company user sees only its own trucks’ shelved alerts, and no requests.',
    ok: shelvesSchema,
  })
  list(@CurrentUser() user: Principal): Promise<{ alerts: Alert[]; requests: ShelfRequest[] }> {
    return this.shelving.list(user);
  }

  @Post('shelves/requests/:id/confirm')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Confirm another operator’s request to shelve a red alert',
    ok: shelveResultSchema,
    errors: { 403: '', 404: 'Confirmed, lapsed or never made', 409: 'Your own request, or raised since' },
  })
  confirm(
    @CurrentUser() user: Principal,
    @ZodParam('id', shelfRequestIdSchema) id: string,
  ): Promise<ShelveResult> {
    return this.shelving.confirm(user, id);
  }
}
