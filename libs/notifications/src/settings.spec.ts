import { loadConfig } from '@lg/config';
import { DEMO_LINK_SECRET, notifyProblems, notifySchema } from './settings';

const load = (env: Record<string, string>) => loadConfig(notifySchema, env);

describe('notification settings', () => {
  it('are off by default and parse quiet hours and owner floors', () => {
    const c = load({ NOTIFY_OWNER_MIN_SEVERITY: 'C01=orange, P01=red' });
    expect(c.NOTIFY_CHANNELS).toEqual([]);
    expect(c.NOTIFY_QUIET_HOURS).toEqual({ from: 22 * 60, to: 7 * 60 });
    expect(c.NOTIFY_OWNER_MIN_SEVERITY).toEqual({ C01: 'orange', P01: 'red' });
    expect(load({ NOTIFY_QUIET_HOURS: 'off' }).NOTIFY_QUIET_HOURS).toBeNull();
  });

  it('name what is wrong', () => {
    expect(() => load({ NOTIFY_QUIET_HOURS: '22-7' })).toThrow(
      /NOTIFY_QUIET_HOURS: "22-7" is not HH:MM-HH:MM/,
    );
    expect(() => load({ NOTIFY_CHANNELS: 'sms,fax' })).toThrow(/NOTIFY_CHANNELS/);
    expect(() => load({ NOTIFY_OWNER_MIN_SEVERITY: 'C01:orange' })).toThrow(/is not owner=severity/);
    expect(() => load({ SMTP_URL: 'mail.example' })).toThrow(/SMTP_URL: must be a URL/);
    // A deployment's unset variable arrives empty: no URL, not a bad one.
    expect(load({ SMS_URL: '', SMTP_URL: '', WEBHOOK_URL: '' }).SMTP_URL).toBeUndefined();
  });

  it('ask for what a channel needs', () => {
    const c = load({ NOTIFY_CHANNELS: 'sms,email,webhook', SMS_PROVIDER: 'aliyun' });
    expect(notifyProblems(c, false).map(([k]) => k)).toEqual([
      'SMS_URL',
      'SMS_KEY_ID',
      'SMS_KEY_SECRET',
      'SMS_SIGN_NAME',
      'SMS_TEMPLATE',
      'SMTP_URL',
      'WEBHOOK_URL',
      'WEBHOOK_SECRET',
    ]);
  });

  it('refuse demo secrets in production only', () => {
    const c = load({
      NOTIFY_CHANNELS: 'sms,email,webhook',
      SMS_URL: 'http://sms',
      SMS_KEY_SECRET: 'demo-sms-secret',
      SMTP_URL: 'smtp://lg-notify:demo@127.0.0.1:25',
      WEBHOOK_URL: 'http://hook',
      WEBHOOK_SECRET: 'demo-webhook-secret',
    });
    expect(c.NOTIFY_LINK_SECRET).toBe(DEMO_LINK_SECRET);
    expect(notifyProblems(c, false)).toEqual([]);
    expect(notifyProblems(c, true).map(([k]) => k)).toEqual([
      'NOTIFY_LINK_SECRET',
      'WEBHOOK_SECRET',
      'SMS_KEY_SECRET',
      'SMTP_URL',
    ]);
  });

  it('schedule digests at 08:00 Shanghai time by default, and name a bad hour, zone or channel', () => {
    const c = load({});
    expect(c.DIGEST_AT).toBe(8 * 60);
    expect(c.DIGEST_TIMEZONE).toBe('Asia/Shanghai');
    expect(c.DIGEST_SCOPES).toEqual(['company', 'street']);
    expect(c.DIGEST_CHANNELS).toEqual(['email', 'webhook']);
    expect(load({ DIGEST_AT: 'off' }).DIGEST_AT).toBeNull();
    expect(load({ DIGEST_AT: '07:30', DIGEST_TIMEZONE: 'Europe/Berlin' })).toMatchObject({
      DIGEST_AT: 7 * 60 + 30,
      DIGEST_TIMEZONE: 'Europe/Berlin',
    });
    expect(() => load({ DIGEST_AT: '8am' })).toThrow(/DIGEST_AT: "8am" is not HH:MM/);
    expect(() => load({ DIGEST_TIMEZONE: 'Longgang/Centre' })).toThrow(
      /DIGEST_TIMEZONE: must be an IANA time zone/,
    );
    expect(() => load({ DIGEST_CHANNELS: 'email,sms' })).toThrow(/DIGEST_CHANNELS/);
    expect(() => load({ DIGEST_SCOPES: 'grid' })).toThrow(/DIGEST_SCOPES/);
  });
});
