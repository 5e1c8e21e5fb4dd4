import { HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Counter } from 'prom-client';
import {
  LoginLimiter,
  loginSource,
  TokenService,
  UserDirectory,
  type LimitScope,
  type Principal,
} from '@lg/auth';
import { BusyError, ConcurrencyLimit, Metrics } from '@lg/observability';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { LoadSheddingException } from './load-shedding';

export interface LoginResult {
  token: string;
  /** ISO-8601 UTC. */
  expiresAt: string;
  user: Principal;
}

const REFUSALS: Record<LimitScope, (username: string) => string> = {
  'user-address': (u) => `too many failed logins for "${u}" from this address`,
  address: () => 'too many failed logins from this address',
  user: (u) => `too many failed logins for "${u}" from unknown addresses`,
};

/** 429 with the seconds to wait (sent as `Retry-After` too, by the error filter). */
export class TooManyLoginsException extends HttpException {
  constructor(
    username: string,
    readonly scope: LimitScope,
    readonly retryAfterSec: number,
  ) {
    super(
      `${REFUSALS[scope](username.slice(0, 64))}: try again in ${retryAfterSec} s`,
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

/** 503: every password check is taken and the queue is full; nothing was counted against the user. */
export class LoginBusyException extends LoadSheddingException {
  constructor() {
    super('too many logins being checked at once: try again in 1 s', 1);
  }
}

/**
 * Password logins. An attempt is counted before its password is checked, per user name and source, per
 * source and per user name (see LoginLimiter), and the password checks themselves (scrypt: memory and a
 * thread of libuv's pool each) run a few at a time, with a bounded queue.
 */
@Injectable()
export class LoginService {
  private readonly limiter: LoginLimiter;
  private readonly hashing: ConcurrencyLimit;
  private readonly outcomes: Counter<'outcome'>;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly users: UserDirectory,
    private readonly tokens: TokenService,
    metrics: Metrics,
  ) {
    this.limiter = new LoginLimiter({
      perUserAddress: config.LOGIN_MAX_FAILURES,
      perAddress: config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      perUser: config.LOGIN_MAX_FAILURES_PER_USER,
      windowMs: config.LOGIN_WINDOW * 1000,
    });
    this.hashing = new ConcurrencyLimit('password checking', {
      maxRunning: config.LOGIN_MAX_HASHING,
      maxWaiting: config.LOGIN_MAX_WAITING,
    });
    this.outcomes = metrics.counter('lg_gateway_logins_total', 'Login attempts by outcome', ['outcome']);
  }

  /** `address`: the client's address as the trusted proxy chain gives it (Express's `req.ip`). */
  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const decision = this.limiter.begin(username, loginSource(address), Date.now());
    if (!decision.allowed) {
      this.outcomes.inc({ outcome: 'limited' });
      throw new TooManyLoginsException(username, decision.scope, Math.ceil(decision.retryAfterMs / 1000));
    }
    let principal: Principal | null;
    try {
      principal = await this.hashing.run(() => this.users.authenticate(username, password));
    } catch (err) {
      this.limiter.cancelled(decision.attempt);
      if (err instanceof BusyError) {
        this.outcomes.inc({ outcome: 'busy' });
        throw new LoginBusyException();
      }
      throw err;
    }
    if (!principal) {
      this.outcomes.inc({ outcome: 'refused' });
      throw new UnauthorizedException('wrong user name or password');
    }
    this.limiter.succeeded(decision.attempt);
    this.outcomes.inc({ outcome: 'ok' });
    const issued = this.tokens.issue(principal);
    return { token: issued.token, expiresAt: new Date(issued.expiresAt).toISOString(), user: principal };
  }
}
