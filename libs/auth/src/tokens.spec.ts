import jwt from 'jsonwebtoken';
import { DEMO_JWT_SECRET, InvalidTokenError, jwtSecretProblem, TokenService } from './tokens';

const secret = 'k3y-for-tests-0123456789abcdefghijklmnop';
const now = Date.parse('2026-05-01T00:00:00Z');

describe('TokenService', () => {
  const tokens = new TokenService(secret, 12 * 3600);

  it('round-trips an operator and a company user', () => {
    const op = tokens.issue({ username: 'operator', role: 'operator' }, now);
    expect(op.expiresAt).toBe(now + 12 * 3600 * 1000);
    expect(tokens.verify(op.token, now).principal).toEqual({ username: 'operator', role: 'operator' });
    const c = tokens.issue({ username: 'c01', role: 'company', company: 'C01' }, now);
    expect(tokens.verify(c.token, now).principal).toEqual({
      username: 'c01',
      role: 'company',
      company: 'C01',
    });
    const claims = jwt.decode(c.token) as Record<string, unknown>;
    expect(claims).toMatchObject({ sub: 'c01', role: 'company', company: 'C01' });
  });

  it('refuses expired, forged, missing and foreign-algorithm tokens', () => {
    const { token } = tokens.issue({ username: 'operator', role: 'operator' }, now);
    expect(() => tokens.verify(token, now + 12 * 3600 * 1000 + 1000)).toThrow('token expired');
    expect(() => new TokenService('another-secret-0123456789abcdefghijk', 60).verify(token, now)).toThrow(
      InvalidTokenError,
    );
    expect(() => tokens.verify(undefined, now)).toThrow('no token');
    expect(() => tokens.verify('not.a.jwt', now)).toThrow('invalid token');
    const none = jwt.sign({ role: 'operator', sub: 'x', iss: 'lg-gateway' }, '', { algorithm: 'none' });
    expect(() => tokens.verify(none, now)).toThrow(InvalidTokenError);
  });

  it('refuses a company token without its company', () => {
    const iat = Math.floor(now / 1000);
    const token = jwt.sign({ role: 'company', iat, exp: iat + 60 }, secret, {
      algorithm: 'HS256',
      subject: 'c01',
      issuer: 'lg-gateway',
    });
    expect(() => tokens.verify(token, now)).toThrow('invalid token');
  });
});

describe('jwtSecretProblem', () => {
  it('refuses the demo default, short and low-entropy secrets', () => {
    expect(jwtSecretProblem(DEMO_JWT_SECRET)).toMatch(/demo default/);
    expect(jwtSecretProblem('short')).toMatch(/at least 32/);
    expect(jwtSecretProblem('a'.repeat(40))).toMatch(/distinct/);
    expect(jwtSecretProblem(secret)).toBeNull();
  });
});
