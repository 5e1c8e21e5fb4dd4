import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { LoginService, TooManyLoginsException, type LoginResult } from '../access/login.service';
import { ErrorDto, LoginRequestDto, LoginResponseDto, UserDto } from './dto';
import { loginBodySchema, type LoginBody } from './queries';
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
    description: 'Too many failed logins for this user from this address',
  })
  async login(
    @Body(new ZodPipe(loginBodySchema, 'body')) body: LoginBody,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResult> {
    try {
      return await this.logins.login(
        body.username,
        body.password,
        req.ip ?? req.socket.remoteAddress ?? 'unknown',
      );
    } catch (err) {
      if (err instanceof TooManyLoginsException) res.setHeader('Retry-After', String(err.retryAfterSec));
      throw err;
    }
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
