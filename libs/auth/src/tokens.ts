import jwt from 'jsonwebtoken';
import type { Principal } from './principal';

/** The minimum length of the signing secret in production (256 bits of text). */
export const MIN_JWT_SECRET_LENGTH = 32;
/** Demo mode's signing secret; production refuses it. */
export const DEMO_JWT_SECRET = 'lg-demo-jwt-secret-not-for-production';

export class InvalidTokenError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidTokenError';
  }
}

export interface IssuedToken {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

export interface VerifiedToken {
  principal: Principal;
  /** Epoch ms. */
  expiresAt: number;
}

const ISSUER = 'lg-gateway';

interface Claims {
  sub?: unknown;
  role?: unknown;
  company?: unknown;
  exp?: unknown;
}

/** HS256 JWTs carrying `sub` (user name), `role` and, for company users, `company`. */
export class TokenService {
  constructor(
    private readonly secret: string,
    /** Lifetime of a token, seconds. */
    readonly ttlSeconds: number,
  ) {
    if (!secret) throw new Error('the JWT secret is empty');
  }

  issue(principal: Principal, nowMs = Date.now()): IssuedToken {
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + this.ttlSeconds;
    const claims = {
      role: principal.role,
      ...(principal.role === 'company' ? { company: principal.company } : {}),
      iat,
      exp,
    };
    const token = jwt.sign(claims, this.secret, {
      algorithm: 'HS256',
      subject: principal.username,
      issuer: ISSUER,
    });
    return { token, expiresAt: exp * 1000 };
  }

  /** Throws `InvalidTokenError` for a token that is missing, malformed, forged, expired or of an unknown shape. */
  verify(token: unknown, nowMs = Date.now()): VerifiedToken {
    if (typeof token !== 'string' || token.length === 0) throw new InvalidTokenError('no token');
    let decoded: unknown;
    try {
      decoded = jwt.verify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        clockTimestamp: Math.floor(nowMs / 1000),
      });
    } catch (err) {
      throw new InvalidTokenError(err instanceof jwt.TokenExpiredError ? 'token expired' : 'invalid token', {
        cause: err,
      });
    }
    if (typeof decoded !== 'object' || decoded === null) throw new InvalidTokenError('invalid token');
    const { sub, role, company, exp } = decoded as Claims;
    if (typeof sub !== 'string' || !sub || typeof exp !== 'number')
      throw new InvalidTokenError('invalid token');
    const expiresAt = exp * 1000;
    if (role === 'operator') return { principal: { username: sub, role }, expiresAt };
    if (role === 'company' && typeof company === 'string' && company) {
      return { principal: { username: sub, role, company }, expiresAt };
    }
    throw new InvalidTokenError('invalid token');
  }
}

/** Why a signing secret is unfit for production, or null. */
export function jwtSecretProblem(secret: string): string | null {
  if (secret === DEMO_JWT_SECRET) return 'is the demo default; set a random secret of at least 32 characters';
  if (secret.length < MIN_JWT_SECRET_LENGTH) {
    return `is ${secret.length} characters long; production needs at least ${MIN_JWT_SECRET_LENGTH} (e.g. openssl rand -base64 48)`;
  }
  if (new Set(secret).size < 8) return 'has fewer than 8 distinct characters; use a random secret';
  return null;
}
