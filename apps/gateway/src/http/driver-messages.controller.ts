import {
  HttpCode,
  HttpException,
  NotFoundException,
  BadRequestException,
  Post,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { z } from '../contract/openapi-zod';
import { CurrentUser, type Principal } from '@lg/auth';
import { JT808_TEXT_MAX_CHARS, type DriverMessage } from '@lg/contracts';
import { DUTY_QUEUE, newDriverMessageId, queueDriverMessage } from '@lg/duty';
import { Registry } from '@lg/registry';
import { requireOperator } from '../access/operators';
import { TerminalDownlinkService, type TextSent } from '../access/terminal-downlink.service';
import { GatewayRedis } from '../infra/redis';
import { alertIdSchema } from '../contract/queries';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { described } from '../contract/responses';
import { ZodBody, ZodParam } from './zod.pipe';

const body = z
  .object({
    text: z
      .string({ required_error: 'is required' })
      .trim()
      .min(1, 'is required')
      .max(JT808_TEXT_MAX_CHARS, `at most ${JT808_TEXT_MAX_CHARS} characters`),
  })
  .strict();

/** What became of a message to a driver: queued for the company platform, and the terminal's answer. */
export interface DriverMessageSent {
  message: DriverMessage;
  /** Published to `{root}/_driver/{company}/message` by ingest (queued now, out within a moment). */
  platform: 'queued';
  /** The truck's JT/T 808 terminal, where it is connected directly: its answer, or why not sent. */
  terminal: TextSent | { sent: false; reason: string };
}

/**
 * A message to the driver of a truck an alert is about (a `truck.near_hazard` alert: "turn back, the
 * road ahead is closed"): to the company's platform over MQTT and to the truck's own JT/T 808 terminal
 * where it is connected to the platform directly. Operators only.
 */
@ApiController('api/alerts', { tag: 'alerts' })
export class DriverMessagesController implements OnApplicationShutdown {
  private queue: Queue | undefined;

  constructor(
    private readonly redis: GatewayRedis,
    private readonly registry: Registry,
    private readonly terminal: TerminalDownlinkService,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
  }

  @Post(':id/driver-message')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Sends the driver of the alert’s truck a message (operators only)',
    description:
      'Published to the truck’s company platform on `{root}/_driver/{company}/message` and sent as a ' +
      'JT/T 808 text (0x8300, shown and read out) to the truck’s terminal where it is connected directly.',
    ok: described(
      'DriverMessageSent',
      '`{message, platform: "queued", terminal}`: the message as published, and the terminal’s answer or why not sent',
    ),
    errors: { 400: 'No text, too long, or not a truck alert', 403: 'Operators only', 404: '' },
  })
  async send(
    @CurrentUser() user: Principal,
    @ZodParam('id', alertIdSchema) id: string,
    @ZodBody(body) b: z.output<typeof body>,
  ): Promise<DriverMessageSent> {
    requireOperator(user, 'messages to drivers are sent by operators');
    const alert = await this.redis.alerts.get(id);
    if (!alert) throw new NotFoundException(`alert ${id} not found`);
    const truck = this.registry.device(alert.device);
    if (alert.kind !== 'truck' || !truck) throw new BadRequestException(`id: alert ${id} is not a truck's`);
    const message: DriverMessage = {
      id: newDriverMessageId(),
      company: truck.owner,
      device: truck.id,
      ...(truck.plate ? { plate: truck.plate } : {}),
      alert: alert.id,
      rule: alert.rule,
      text: b.text,
      by: user.username,
      sentAt: new Date().toISOString(),
    };
    this.queue ??= new Queue(DUTY_QUEUE, {
      connection: this.redis.openBlocking('driver-messages'),
      prefix: this.redis.names.bullPrefix,
    });
    await queueDriverMessage(this.queue, message);
    let terminal: DriverMessageSent['terminal'];
    try {
      terminal = await this.terminal.send(user, truck.id, b.text, 0x0c);
    } catch (err) {
      // No terminal of its own connected (the company platform relays), or it did not take the text.
      if (!(err instanceof HttpException)) throw err;
      terminal = { sent: false, reason: err.message };
    }
    return { message, platform: 'queued', terminal };
  }
}
