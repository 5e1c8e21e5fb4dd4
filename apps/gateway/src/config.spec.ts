import { gatewayConfig, trustedProxyProblem } from './config';

describe('gateway configuration of logins, proxies and retention', () => {
  const demo = { LG_MODE: 'demo' };

  it('accepts addresses, CIDR ranges and Express’s range names as trusted proxies', () => {
    for (const ok of ['172.31.240.250', '10.0.0.0/8', '::1', 'fd00::/8', 'loopback', 'uniquelocal'])
      expect(trustedProxyProblem(ok)).toBeNull();
    expect(trustedProxyProblem('nginx')).toMatch(/is not an IP address, a CIDR range/);
    expect(trustedProxyProblem('10.0.0.0/33')).toBe('"10.0.0.0/33": the prefix length must be 0..32');
    expect(trustedProxyProblem('10.0.0.1/8/1')).toMatch(/is not an IP address/);
    expect(gatewayConfig({ ...demo, TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).TRUST_PROXY).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
    ]);
    expect(gatewayConfig(demo).TRUST_PROXY).toEqual([]);
  });

  it('stops on a proxy that is not an address, naming the variable', () => {
    expect(() => gatewayConfig({ ...demo, TRUST_PROXY: 'gateway-lb' })).toThrow(
      /TRUST_PROXY: "gateway-lb" is not an IP address/,
    );
  });

  it('stops on login limits with which one address could lock a user out everywhere', () => {
    expect(() =>
      gatewayConfig({ ...demo, LOGIN_MAX_FAILURES: '20', LOGIN_MAX_FAILURES_PER_USER: '20' }),
    ).toThrow(
      /LOGIN_MAX_FAILURES_PER_USER: the per-user limit must be larger than the per-user-and-address limit/,
    );
    expect(() =>
      gatewayConfig({ ...demo, LOGIN_MAX_FAILURES: '20', LOGIN_MAX_FAILURES_PER_ADDRESS: '10' }),
    ).toThrow(/LOGIN_MAX_FAILURES_PER_ADDRESS: the per-address limit must be at least/);
    const c = gatewayConfig(demo);
    expect([c.LOGIN_MAX_FAILURES, c.LOGIN_MAX_FAILURES_PER_ADDRESS, c.LOGIN_MAX_FAILURES_PER_USER]).toEqual([
      10, 50, 100,
    ]);
    expect([c.LOGIN_MAX_HASHING, c.LOGIN_MAX_WAITING]).toEqual([2, 32]);
  });

  it('reads the retention of closed alerts as a duration within bounds', () => {
    expect(gatewayConfig(demo).ALERT_RETENTION).toBe(30 * 86_400);
    expect(gatewayConfig({ ...demo, ALERT_RETENTION: '7d' }).ALERT_RETENTION).toBe(7 * 86_400);
    expect(() => gatewayConfig({ ...demo, ALERT_RETENTION: '10s' })).toThrow(
      /ALERT_RETENTION: must be between 60 s/,
    );
  });

  it('refuses the demo link-signing key of the notifications in production', () => {
    expect(() => gatewayConfig({ LG_MODE: 'production' })).toThrow(
      /NOTIFY_LINK_SECRET: production refuses this secret: it is the demo value/,
    );
    expect(() => gatewayConfig({ LG_MODE: 'production', NOTIFY_LINK_SECRET: 'short' })).toThrow(
      /NOTIFY_LINK_SECRET: production refuses this secret: it is shorter than 32 characters/,
    );
    expect(() => gatewayConfig({ LG_MODE: 'production', NOTIFY_LINK_SECRET: 'k'.repeat(40) })).not.toThrow(
      /NOTIFY_LINK_SECRET/,
    );
  });

  it('refuses a demo or short SMS receipt key in production, and a zone it does not know', () => {
    expect(() =>
      gatewayConfig({ LG_MODE: 'production', SMS_RECEIPT_SECRET: 'demo-sms-receipt-secret' }),
    ).toThrow(/SMS_RECEIPT_SECRET: production refuses this secret: it is a demo value/);
    expect(() => gatewayConfig({ LG_MODE: 'production', SMS_RECEIPT_SECRET: 'short' })).toThrow(
      /SMS_RECEIPT_SECRET: production refuses this secret: it is shorter than 32 characters/,
    );
    expect(() => gatewayConfig({ LG_MODE: 'production', SMS_RECEIPT_SECRET: 'r'.repeat(40) })).not.toThrow(
      /SMS_RECEIPT_SECRET/,
    );
    expect(() => gatewayConfig({ DIGEST_TIMEZONE: 'Nowhere/Town' })).toThrow(/DIGEST_TIMEZONE/);
  });
});
