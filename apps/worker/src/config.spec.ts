import { loadConfig } from '@lg/config';
import { workerConfigSchema } from './config';

describe('worker configuration of the notifications', () => {
  it('is off by default', () => {
    expect(loadConfig(workerConfigSchema, { LG_MODE: 'demo' }).NOTIFY_CHANNELS).toEqual([]);
  });

  it('stops on a channel switched on without what it needs, naming the variable', () => {
    expect(() => loadConfig(workerConfigSchema, { NOTIFY_CHANNELS: 'sms,webhook' })).toThrow(
      /SMS_URL: the sms channel needs the gateway URL[\s\S]*WEBHOOK_URL: the webhook channel needs the URL/,
    );
  });

  it('refuses demo secrets in production', () => {
    const env = {
      LG_MODE: 'production',
      NOTIFY_CHANNELS: 'email,webhook',
      SMTP_URL: 'smtp://lg-notify:demo@127.0.0.1:2525',
      WEBHOOK_URL: 'http://127.0.0.1:9/webhook',
      WEBHOOK_SECRET: 'demo-webhook-secret',
    };
    expect(() => loadConfig(workerConfigSchema, env)).toThrow(
      /NOTIFY_LINK_SECRET: production refuses this secret[\s\S]*WEBHOOK_SECRET: production needs at least 32/,
    );
    expect(() =>
      loadConfig(workerConfigSchema, {
        ...env,
        NOTIFY_LINK_SECRET: 'l'.repeat(40),
        WEBHOOK_SECRET: 'w'.repeat(40),
        SMTP_URL: 'smtp://alerts:s3cret@mail.example:587',
      }),
    ).not.toThrow();
  });
});
