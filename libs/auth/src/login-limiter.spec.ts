import { LoginLimiter } from './login-limiter';

describe('LoginLimiter', () => {
  const key = LoginLimiter.key('C01', '10.0.0.1');

  it('refuses after maxFailures within the window and allows again when they age out', () => {
    const limiter = new LoginLimiter({ maxFailures: 3, windowMs: 60_000 });
    limiter.fail(key, 0);
    limiter.fail(key, 10_000);
    expect(limiter.check(key, 20_000)).toEqual({ allowed: true });
    limiter.fail(key, 20_000);
    expect(limiter.check(key, 30_000)).toEqual({ allowed: false, retryAfterMs: 30_000 });
    // the first failure leaves the window at 60 s
    expect(limiter.check(key, 60_001)).toEqual({ allowed: true });
  });

  it('keys by lower-cased user name and address', () => {
    const limiter = new LoginLimiter({ maxFailures: 1, windowMs: 60_000 });
    limiter.fail(LoginLimiter.key('C01', '10.0.0.1'), 0);
    expect(limiter.check(LoginLimiter.key('c01', '10.0.0.1'), 1).allowed).toBe(false);
    expect(limiter.check(LoginLimiter.key('c01', '10.0.0.2'), 1).allowed).toBe(true);
    expect(limiter.check(LoginLimiter.key('c02', '10.0.0.1'), 1).allowed).toBe(true);
  });

  it('forgets failures after a successful login', () => {
    const limiter = new LoginLimiter({ maxFailures: 2, windowMs: 60_000 });
    limiter.fail(key, 0);
    limiter.succeed(key);
    limiter.fail(key, 1);
    expect(limiter.check(key, 2).allowed).toBe(true);
  });

  it('keeps at most maxKeys keys', () => {
    const limiter = new LoginLimiter({ maxFailures: 5, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 1000; i++) limiter.fail(LoginLimiter.key(`u${i}`, 'ip'), i);
    expect(limiter.size).toBeLessThanOrEqual(100);
    expect(limiter.check(LoginLimiter.key('u999', 'ip'), 1000).allowed).toBe(true);
  });
});
