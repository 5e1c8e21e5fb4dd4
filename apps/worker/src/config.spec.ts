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

describe('worker configuration of the platform cause "ingest down"', () => {
  it('is on by default, down after 15 s', () => {
    const c = loadConfig(workerConfigSchema, {});
    expect(c).toMatchObject({ INHIBIT_INGEST_ENABLED: true, INHIBIT_INGEST_DOWN_AFTER_SEC: 15 });
    expect(loadConfig(workerConfigSchema, { INHIBIT_INGEST_ENABLED: 'false' }).INHIBIT_INGEST_ENABLED).toBe(
      false,
    );
  });

  it('refuses a down-after time under the heartbeats’ own window or over ten minutes, naming the variable', () => {
    expect(() => loadConfig(workerConfigSchema, { INHIBIT_INGEST_DOWN_AFTER_SEC: '2' })).toThrow(
      /INHIBIT_INGEST_DOWN_AFTER_SEC/,
    );
    expect(() => loadConfig(workerConfigSchema, { INHIBIT_INGEST_DOWN_AFTER_SEC: '601' })).toThrow(
      /INHIBIT_INGEST_DOWN_AFTER_SEC/,
    );
  });
});

describe('worker configuration of escalation and incidents', () => {
  it('parses the delays and the grouping keys, and stops on a bad one with its parser’s message', () => {
    const c = loadConfig(workerConfigSchema, { ESCALATION_DELAYS: 'red=2m', INCIDENT_GROUP_KEYS: 'rule' });
    expect(c.ESCALATION_DELAYS.red).toBe(120_000);
    expect(c.INCIDENT_GROUP_KEYS).toEqual(['rule']);
    expect(() => loadConfig(workerConfigSchema, { ESCALATION_DELAYS: 'red=soon' })).toThrow(
      'ESCALATION_DELAYS: "red=soon" is not severity=delay (e.g. red=5m, blue=never)',
    );
    expect(() => loadConfig(workerConfigSchema, { INCIDENT_GROUP_KEYS: 'rule,colour' })).toThrow(
      /INCIDENT_GROUP_KEYS: unknown grouping key "colour"/,
    );
  });
});

describe('worker configuration of the test clock', () => {
  it('is off by default and refused in production', () => {
    expect(loadConfig(workerConfigSchema, {}).LG_TEST_CLOCK).toBe(false);
    expect(() => loadConfig(workerConfigSchema, { LG_TEST_CLOCK: 'true', LG_MODE: 'production' })).toThrow(
      'LG_TEST_CLOCK: the test clock is refused in production',
    );
  });
});
