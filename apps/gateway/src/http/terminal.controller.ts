import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
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
import { TerminalDownlinkService, type Located, type TextSent } from '../access/terminal-downlink.service';
import { ErrorDto } from './dto';
import { deviceIdSchema } from '../contract/queries';
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

class LocatedDto {
  @ApiProperty({ example: 'T001' }) device!: string;
  @ApiProperty({ example: 22.7201 }) lat!: number;
  @ApiProperty({ example: 114.2468 }) lon!: number;
  @ApiProperty({ description: 'km/h' }) speed!: number;
  @ApiProperty() heading!: number;
  @ApiProperty({
    nullable: true,
    example: '2026-05-01T08:00:00+08:00',
    description: 'The terminal’s time (UTC+8)',
  })
  time!: string | null;
  @ApiProperty({ description: 'The terminal had a position fix' }) positioned!: boolean;
}

@ApiTags('devices')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@UseGuards(AuthGuard)
@Controller('api/devices')
export class TerminalController {
  constructor(private readonly downlink: TerminalDownlinkService) {}

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
    return this.downlink.send(user, id, body.text, body.flags);
  }

  @Post(':id/locate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Ask a truck’s terminal where it is (JT/T 808 0x8201) and wait for its answer (0x0201)',
    description:
      'Operators only. The answer is also stored as a reading. 409 when the terminal is not connected, 504 when it does not answer within 10 s.',
  })
  @ApiOkResponse({ type: LocatedDto })
  @ApiForbiddenResponse({ type: ErrorDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The terminal is not connected' })
  @ApiGatewayTimeoutResponse({ type: ErrorDto, description: 'The terminal did not answer' })
  locate(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(deviceIdSchema, 'id')) id: string,
  ): Promise<Located> {
    return this.downlink.locate(user, id);
  }
}
