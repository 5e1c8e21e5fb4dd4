import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { z } from 'zod';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { JT808_TEXT_MAX_CHARS } from '@lg/contracts';
import { TerminalTextService, type TextSent } from '../access/terminal-text.service';
import { ErrorDto } from './dto';
import { deviceIdSchema } from './queries';
import { ParamPipe, ZodPipe } from './zod.pipe';

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

class TextRequestDto {
  @ApiProperty({ example: '请立即靠边停车，联系调度', maxLength: JT808_TEXT_MAX_CHARS }) text!: string;
  @ApiPropertyOptional({
    example: DEFAULT_TEXT_FLAGS,
    description: 'JT/T 808 text flags: bit 0 emergency, bit 2 display, bit 3 TTS read-out (default 0x0C)',
  })
  flags?: number;
}

class TextSentDto {
  @ApiProperty({ example: 'T001' }) device!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'Serial number of the 0x8300 frame' }) serial!: number;
  @ApiProperty({ description: 'The terminal answered (0x0001) within 10 s' }) answered!: boolean;
  @ApiPropertyOptional({ description: '0 success, 1 failure, 2 message error, 3 not supported' })
  result?: number;
}

@ApiTags('devices')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/devices')
export class TerminalController {
  constructor(private readonly texts: TerminalTextService) {}

  @Post(':id/text')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send the driver of a truck a text message (JT/T 808 0x8300) and wait for the terminal’s answer',
    description: 'Operators only. The truck’s terminal must be connected to a JT/T 808 gateway.',
  })
  @ApiBody({ type: TextRequestDto })
  @ApiOkResponse({ type: TextSentDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The terminal is not connected' })
  send(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(deviceIdSchema, 'id')) id: string,
    @Body(new ZodPipe(textBodySchema, 'body')) body: TextBody,
  ): Promise<TextSent> {
    return this.texts.send(user, id, body.text, body.flags);
  }
}
