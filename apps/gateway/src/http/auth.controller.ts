import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { LoginService, type LoginResult } from '../access/login.service';
import { ErrorDto, LoginRequestDto, LoginResponseDto, UserDto } from './dto';
import { loginBodySchema, type LoginBody } from '../contract/queries';
import { ZodPipe } from './zod.pipe';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly logins: LoginService) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with user name and password; returns a JWT' })
  @ApiBody({ type: LoginRequestDto })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'Wrong user name or password' })
  @ApiTooManyRequestsResponse({
    type: ErrorDto,
    description:
      'Too many failed logins for this user from this address, from this address, or for this user from ' +
      'addresses it never logged in from; `Retry-After` says when to try again',
  })
  @ApiServiceUnavailableResponse({
    type: ErrorDto,
    description: 'Too many password checks at once; `Retry-After: 1`',
  })
  async login(
    @Body(new ZodPipe(loginBodySchema, 'body')) body: LoginBody,
    @Req() req: Request,
  ): Promise<LoginResult> {
    // req.ip: the socket's address, or the client's as a proxy of TRUST_PROXY reports it. Refusals carry
    // Retry-After, set by the error filter.
    return this.logins.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
  }

  @Get('me')
  @UseGuards(AuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the token belongs to' })
  @ApiOkResponse({ type: UserDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  me(@CurrentUser() user: Principal): Principal {
    return user;
  }
}
