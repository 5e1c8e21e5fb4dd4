import {
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Post,
  Req,
  UnauthorizedException,
  type RawBodyRequest,
} from '@nestjs/common';
import type { Request } from 'express';
import {
  applyReceipts,
  DeliveryStore,
  receiptSignatureProblem,
  smsReceiptsSchema,
  type ReceiptOutcome,
} from '@lg/notifications';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { described } from '../contract/responses';
import { GatewayRedis } from '../infra/redis';
import { ApiController } from './api-controller';
import { ApiRoute } from './api-route';
import { ZodPipe } from './zod.pipe';

/**
 * Delivery receipts from the SMS provider (docs/notifications.md, "Delivery receipts"): no user token —
 * the provider signs each callback with the shared `SMS_RECEIPT_SECRET` over the raw body, and a callback
 * older than five minutes is refused. Moves an SMS delivery from sent to delivered or failed.
 */
@ApiController('api/notify', { tag: 'alerts', public: true })
export class SmsReceiptsController {
  private readonly store: DeliveryStore;
  private readonly body = new ZodPipe(smsReceiptsSchema, 'body');

  constructor(
    redis: GatewayRedis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.store = new DeliveryStore(redis.commands, redis.names);
  }

  @Post('sms-receipts')
  @HttpCode(200)
  @ApiRoute({
    summary: 'The SMS provider’s delivery receipts (signed with SMS_RECEIPT_SECRET, no user token)',
    description:
      'Headers X-LG-Timestamp (Unix s, within 5 min) and X-LG-Signature: sha256=hex HMAC-SHA256 of ' +
      '"{timestamp}.{raw body}". Body {receipts: [{id, status: delivered|failed, reason?, at?}]}, at most 100.',
    body: smsReceiptsSchema,
    ok: described('ReceiptOutcome', '{applied, ignored, unknown}: receipts applied, already final, not ours'),
    errors: { 400: '', 401: 'Missing, stale or wrong signature', 404: 'Receipts are not configured' },
  })
  async receive(
    @Req() req: RawBodyRequest<Request>,
    @Headers('x-lg-timestamp') timestamp: string | undefined,
    @Headers('x-lg-signature') signature: string | undefined,
  ): Promise<ReceiptOutcome> {
    const secret = this.config.SMS_RECEIPT_SECRET;
    if (!secret) throw new NotFoundException('SMS delivery receipts are not configured (SMS_RECEIPT_SECRET)');
    const now = Date.now();
    const problem = receiptSignatureProblem(secret, timestamp, signature, req.rawBody ?? '', now);
    if (problem) throw new UnauthorizedException(problem);
    // Checked only once signed: an unsigned caller learns nothing about the format's rules.
    const body = this.body.transform(req.body);
    return applyReceipts(this.store, body.receipts, now);
  }
}
