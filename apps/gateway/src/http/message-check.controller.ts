import { HttpCode, Post } from '@nestjs/common';
import { z } from 'zod';
import { CurrentUser, type Principal } from '@lg/auth';
import { MessageCheckService, type MessageVerdict } from '../access/message-check.service';
import { ZodBody } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { described } from '../contract/responses';

const body = z
  .object({
    topic: z.string({ required_error: 'is required' }).min(1, 'is required').max(512, 'is too long'),
    payload: z.string({ required_error: 'is required', invalid_type_error: 'must be the payload as text' }),
  })
  .strict();

@ApiController('api/messages', { tag: 'rejections' })
export class MessageCheckController {
  constructor(private readonly messages: MessageCheckService) {}

  @Post('check')
  @ApiRoute({
    summary: 'Try a message: the verdict ingest would give a topic and payload; nothing is stored',
    ok: described('MessageVerdict', 'The verdict: accepted readings or the refusal with its reason'),
    errors: { 400: '', 403: '' },
  })
  @HttpCode(200)
  check(@CurrentUser() user: Principal, @ZodBody(body) b: z.output<typeof body>): MessageVerdict {
    return this.messages.check(user, b.topic, b.payload);
  }
}
