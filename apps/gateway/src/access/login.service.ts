import { HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { LoginLimiter, TokenService, UserDirectory, type Principal } from '@lg/auth';
import { Metrics } from '@lg/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export interface LoginResult {
  token: string;
  /** ISO-8601 UTC. */
  expiresAt: string;
  user: Principal;
}

/** 429 with the seconds to wait (sent as `Retry-After` too). */
export class TooManyLoginsException extends HttpException {
  constructor(
    username: string,
    readonly retryAfterSec: number,
  ) {
    super(
      `too many failed logins for "${username}" from this address: try again in ${retryAfterSec} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** Password logins, slowed down per user name and address after repeated failures. */
@Injectable()
export class LoginService {
  private readonly limiter: LoginLimiter;
  private readonly outcomes: Counter<'outcome'>;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly users: UserDirectory,
    private readonly tokens: TokenService,
    metrics: Metrics,
  ) {
    this.limiter = new LoginLimiter({
      maxFailures: config.LOGIN_MAX_FAILURES,
      windowMs: config.LOGIN_WINDOW * 1000,
    });
    this.outcomes = metrics.counter('lg_gateway_logins_total', 'Login attempts by outcome', ['outcome']);
  }

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const key = LoginLimiter.key(username, address);
    const decision = this.limiter.check(key, Date.now());
    if (!decision.allowed) {
      this.outcomes.inc({ outcome: 'limited' });
      throw new TooManyLoginsException(username, Math.ceil(decision.retryAfterMs / 1000));
    }
    const principal = await this.users.authenticate(username, password);
    if (!principal) {
      this.limiter.fail(key, Date.now());
      this.outcomes.inc({ outcome: 'refused' });
      throw new UnauthorizedException('wrong user name or password');
    }
    this.limiter.succeed(key);
    this.outcomes.inc({ outcome: 'ok' });
    const issued = this.tokens.issue(principal);
    return { token: issued.token, expiresAt: new Date(issued.expiresAt).toISOString(), user: principal };
  }
}
