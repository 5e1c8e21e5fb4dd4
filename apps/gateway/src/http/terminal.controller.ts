import { HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentUser, type Principal } from '@lg/auth';
import { JT808_TEXT_MAX_CHARS } from '@lg/contracts';
import { TerminalDownlinkService, type Located, type TextSent } from '../access/terminal-downlink.service';
import { deviceIdSchema } from '../contract/queries';
import { ZodBody, ZodParam } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { locatedSchema, textSentSchema } from '../contract/responses';

/** Display on the terminal's screen and read out by TTS (JT/T 808 text flags bits 2 and 3). */
const DEFAULT_TEXT_FLAGS = 0x0c;

const textBodySchema = z
  .object({
    text: z
      .string({ required_error: 'is required', invalid_type_error: 'must be a string' })
      .min(1, 'must not be empty')
      .max(JT808_TEXT_MAX_CHARS, `must be at most ${JT808_TEXT_MAX_CHARS} characters`),
    flags: z
      .number({ invalid_type_error: 'must be a number' })
      .int('must be an integer')
      .min(0, 'must be 0..255')
      .max(255, 'must be 0..255')
      .default(DEFAULT_TEXT_FLAGS),
  })
  .strict();
type TextBody = z.infer<typeof textBodySchema>;

@ApiController('api/devices', { tag: 'devices' })
export class TerminalController {
  constructor(private readonly downlink: TerminalDownlinkService) {}

  @Post(':id/text')
  @ApiRoute({
    summary: 'Send the driver of a truck a text message (JT/T 808 0x8300) and wait for the terminal’s answer',
    description:
      'Operators only. flags: JT/T 808 text flags, bit 0 emergency, bit 2 display, bit 3 TTS read-out (default 0x0C).',
    ok: textSentSchema,
    errors: {
      400: '',
      403: '',
      404: '',
      409: 'The terminal is not connected',
      504: 'The JT/T 808 gateway holding the terminal did not take the message in time (nothing was sent)',
    },
  })
  @HttpCode(200)
  send(
    @CurrentUser() user: Principal,
    @ZodParam('id', deviceIdSchema) id: string,
    @ZodBody(textBodySchema) body: TextBody,
  ): Promise<TextSent> {
    return this.downlink.send(user, id, body.text, body.flags);
  }

  @Post(':id/locate')
  @ApiRoute({
    summary: 'Ask a truck’s terminal where it is (JT/T 808 0x8201) and wait for its answer (0x0201)',
    description: 'Operators only. The answer is also stored as a reading.',
    ok: locatedSchema,
    errors: {
      403: '',
      404: '',
      409: 'The terminal is not connected',
      504: 'The terminal did not answer, or the JT/T 808 gateway holding it did not take the query in time',
    },
  })
  @HttpCode(200)
  locate(@CurrentUser() user: Principal, @ZodParam('id', deviceIdSchema) id: string): Promise<Located> {
    return this.downlink.locate(user, id);
  }
}
