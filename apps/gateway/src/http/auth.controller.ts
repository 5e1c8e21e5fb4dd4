import { Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { LoginService, type LoginResult } from '../access/login.service';
import { loginBodySchema, type LoginBody } from '../contract/queries';
import { ZodBody } from './zod.pipe';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { loginResponseSchema, userSchema } from '../contract/responses';

@ApiController('api/auth', { tag: 'auth', public: true })
export class AuthController {
  constructor(private readonly logins: LoginService) {}

  @Post('login')
  @ApiRoute({
    summary: 'Log in with user name and password; returns a JWT',
    ok: loginResponseSchema,
    errors: {
      401: 'Wrong user name or password',
      429:
        'Too many failed logins for this user from this address, from this address, or for this user from ' +
        'addresses it never logged in from; `Retry-After` says when to try again',
      503: 'Too many password checks at once; `Retry-After: 1`',
    },
  })
  @HttpCode(200)
  async login(@ZodBody(loginBodySchema) body: LoginBody, @Req() req: Request): Promise<LoginResult> {
    // req.ip: the socket's address, or the client's as a proxy of TRUST_PROXY reports it. Refusals carry
    // Retry-After, set by the error filter.
    return this.logins.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
  }

  @Get('me')
  @ApiRoute({ summary: 'Who the token belongs to', ok: userSchema, public: false })
  @UseGuards(AuthGuard)
  me(@CurrentUser() user: Principal): Principal {
    return user;
  }
}
