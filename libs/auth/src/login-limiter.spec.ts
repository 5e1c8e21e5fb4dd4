import { LoginLimiter, loginLimitsProblem, loginSource, type LoginDecision } from './login-limiter';

const limits = { perUserAddress: 3, perAddress: 5, perUser: 6, windowMs: 60_000 };

function allowed(d: LoginDecision): NonNullable<Extract<LoginDecision, { allowed: true }>['attempt']> {
  if (!d.allowed) throw new Error(`refused by ${d.scope}`);
  return d.attempt;
}

describe('LoginLimiter', () => {
  it('counts an attempt before its password is checked, so parallel attempts cannot pass the limit', () => {
    const limiter = new LoginLimiter(limits);
    // 200 attempts begun before any finished (as parallel requests do): three get through.
    const decisions = Array.from({ length: 200 }, () => limiter.begin('c05', '10.0.0.1', 1000));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(3);
    expect(decisions[3]).toEqual({ allowed: false, scope: 'user-address', retryAfterMs: 60_000 });
  });

  it('refuses after perUserAddress failures within the window and lets through when they age out', () => {
    const limiter = new LoginLimiter(limits);
    allowed(limiter.begin('C05', '10.0.0.1', 0));
    allowed(limiter.begin('c05', '10.0.0.1', 10_000));
    allowed(limiter.begin('c05', '10.0.0.1', 20_000));
    expect(limiter.begin('c05', '10.0.0.1', 30_000)).toEqual({
      allowed: false,
      scope: 'user-address',
      retryAfterMs: 30_000,
    });
    expect(limiter.begin('c05', '10.0.0.1', 60_001).allowed).toBe(true);
  });

  it('does not lock a user out of another address, however long one address keeps failing', () => {
    const limiter = new LoginLimiter(limits);
    for (let t = 0; t < 10 * 60_000; t += 100) limiter.begin('c05', '10.0.0.1', t);
    const attempt = allowed(limiter.begin('c05', '10.0.0.2', 10 * 60_000 - 1));
    limiter.succeeded(attempt);
    expect(limiter.begin('c05', '10.0.0.1', 10 * 60_000 - 1).allowed).toBe(false);
  });

  it('limits one address trying many user names', () => {
    const limiter = new LoginLimiter(limits);
    for (let i = 0; i < 5; i++) allowed(limiter.begin(`u${i}`, '10.0.0.9', i));
    expect(limiter.begin('u9', '10.0.0.9', 10)).toMatchObject({ allowed: false, scope: 'address' });
    expect(limiter.begin('u9', '10.0.0.8', 10).allowed).toBe(true);
  });

  it('limits one user from many addresses, except the addresses the user logged in from', () => {
    const limiter = new LoginLimiter(limits);
    limiter.succeeded(allowed(limiter.begin('operator', '10.1.0.1', 0)));
    for (let i = 0; i < 6; i++) allowed(limiter.begin('operator', `10.2.0.${i}`, 100 + i));
    expect(limiter.begin('operator', '10.2.0.99', 200)).toMatchObject({ allowed: false, scope: 'user' });
    // The operator's usual address still gets in.
    expect(limiter.begin('operator', '10.1.0.1', 200).allowed).toBe(true);
  });

  it('takes the count back when the password was right or never checked', () => {
    const limiter = new LoginLimiter(limits);
    allowed(limiter.begin('c01', '10.0.0.1', 0));
    allowed(limiter.begin('c01', '10.0.0.1', 1));
    limiter.succeeded(allowed(limiter.begin('c01', '10.0.0.1', 2)));
    // success forgives the pair's failures
    for (let i = 0; i < 3; i++) allowed(limiter.begin('c01', '10.0.0.1', 3 + i));
    const other = new LoginLimiter(limits);
    for (let i = 0; i < 10; i++) other.cancelled(allowed(other.begin('c02', '10.0.0.3', i)));
    expect(other.size).toEqual({ userAddress: 0, address: 0, user: 0, known: 0 });
  });

  it('keeps at most maxKeys keys in each map', () => {
    const limiter = new LoginLimiter({ ...limits, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) limiter.begin(`u${i}`, `10.0.${i >> 8}.${i & 255}`, i);
    const size = limiter.size;
    expect(Math.max(size.userAddress, size.address, size.user)).toBeLessThanOrEqual(100);
    expect(limiter.begin('u999', '10.0.3.231', 1000).allowed).toBe(true);
  });

  it('refuses limits with which one address could lock a user out everywhere', () => {
    expect(loginLimitsProblem({ ...limits, perUser: 3 })).toMatch(/per-user limit must be larger/);
    expect(loginLimitsProblem({ ...limits, perAddress: 2 })).toMatch(/per-address limit/);
    expect(loginLimitsProblem(limits)).toBeNull();
    expect(() => new LoginLimiter({ ...limits, perUser: 1 })).toThrow(RangeError);
  });
});

describe('loginSource', () => {
  it('counts IPv4 as itself and IPv6 by its /64', () => {
    expect(loginSource('10.0.0.1')).toBe('10.0.0.1');
    expect(loginSource('::ffff:10.0.0.1')).toBe('10.0.0.1');
    expect(loginSource('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(loginSource('2001:0db8:0000:0001:bbbb:cccc:dddd:eeee')).toBe('2001:db8:0:1::/64');
    expect(loginSource('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(loginSource('::1')).toBe('0:0:0:0::/64');
  });
});
