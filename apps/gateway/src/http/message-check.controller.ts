import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { MessageCheckService, type MessageVerdict } from '../access/message-check.service';
import { ErrorDto } from './dto';
import { ZodPipe } from './zod.pipe';

const body = z
  .object({
    topic: z.string({ required_error: 'is required' }).min(1, 'is required').max(512, 'is too long'),
    payload: z.string({ required_error: 'is required', invalid_type_error: 'must be the payload as text' }),
  })
  .strict();

@ApiTags('rejections')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/messages')
export class MessageCheckController {
  constructor(private readonly messages: MessageCheckService) {}

  @Post('check')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Try a message: the verdict ingest would give a topic and payload; nothing is stored',
    description:
      'Same validation code as ingest (contract, registry, payload). The rate limit and drift are not applied. ' +
      'A company user may try only its own topics. The body is at most 64 KiB.',
  })
  @ApiOkResponse({
    description:
      '{verdict: accepted|partly|refused, stored: [{ts, quality, why?}], refused: [{reason, message, index?}]}',
  })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  check(
    @CurrentUser() user: Principal,
    @Body(new ZodPipe(body, 'body')) b: z.output<typeof body>,
  ): MessageVerdict {
    return this.messages.check(user, b.topic, b.payload);
  }
}
