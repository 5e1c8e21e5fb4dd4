import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@lg/config';
import { loadSimulatorConfig, operatorPassword, passwordSource, SecretsError } from './config';

describe('simulator config', () => {
  it('takes the environment, with flags winning', () => {
    const c = loadSimulatorConfig(
      { MQTT_URL: 'mqtt://127.0.0.1:2883', SIM_SPEEDUP: undefined },
      { MQTT_URL: 'mqtt://broker:1883', MQTT_TOPIC_ROOT: 'tenant/v1', SIM_SPEEDUP: '5', PATH: '/bin' },
    );
    expect(c).toEqual({
      LG_MODE: 'demo',
      REGISTRY_FILE: 'config/registry/longgang.json',
      MQTT_URL: 'mqtt://127.0.0.1:2883',
      MQTT_TOPIC_ROOT: 'tenant/v1',
      SIM_SPEEDUP: 5,
      SIM_SEED: 1,
      SIM_GATEWAY_URL: 'http://127.0.0.1:3000',
      SIM_OPERATOR_USER: 'operator',
      SIM_REDIS_PREFIX: 'lg',
      SIM_CLOCK_SETTLE_MS: 2000,
      SIM_PROTOCOL: 'mqtt',
      SIM_JT808_URL: 'tcp://127.0.0.1:6808',
    });
  });

  it('names the flag and the variable of a bad value', () => {
    expect(() => loadSimulatorConfig({ SIM_SPEEDUP: '0' }, {})).toThrow(ConfigError);
    expect(() => loadSimulatorConfig({ SIM_SPEEDUP: '0' }, {})).toThrow(/--speedup \/ SIM_SPEEDUP:/);
    expect(() => loadSimulatorConfig({}, { MQTT_TOPIC_ROOT: 'lg/#' })).toThrow(/--root \/ MQTT_TOPIC_ROOT:/);
    expect(() => loadSimulatorConfig({ SIM_PROTOCOL: 'jt809' }, {})).toThrow(/--protocol \/ SIM_PROTOCOL:/);
    expect(() => loadSimulatorConfig({ SIM_JT808_URL: 'http://x:1' }, {})).toThrow(
      /--jt808 \/ SIM_JT808_URL:/,
    );
  });
});

describe('passwords', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'lg-secrets-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the name in demo mode', () => {
    expect(passwordSource({ LG_MODE: 'demo', SIM_SECRETS_FILE: undefined })('T001')).toBe('T001');
  });

  it('refuses to guess in production', () => {
    expect(() => passwordSource({ LG_MODE: 'production', SIM_SECRETS_FILE: undefined })).toThrow(
      /production needs device secrets/,
    );
  });

  it('reads a secrets file and names a missing entry', () => {
    const file = join(dir, 'mqtt.json');
    writeFileSync(file, JSON.stringify({ T001: 's3cret' }));
    const passwordOf = passwordSource({ LG_MODE: 'production', SIM_SECRETS_FILE: file });
    expect(passwordOf('T001')).toBe('s3cret');
    expect(() => passwordOf('T002')).toThrow(`${file} has no password for T002`);
  });

  it('explains a secrets file it cannot use', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '["not", "a", "map"]');
    expect(() => passwordSource({ LG_MODE: 'demo', SIM_SECRETS_FILE: file })).toThrow(SecretsError);
    expect(() => passwordSource({ LG_MODE: 'demo', SIM_SECRETS_FILE: join(dir, 'none.json') })).toThrow(
      /cannot read the secrets file/,
    );
  });
});

describe('operator password for scenarios', () => {
  it('is the user name in demo mode unless given, and required in production', () => {
    expect(
      operatorPassword({ LG_MODE: 'demo', SIM_OPERATOR_USER: 'operator', SIM_OPERATOR_PASSWORD: undefined }),
    ).toBe('operator');
    expect(
      operatorPassword({ LG_MODE: 'production', SIM_OPERATOR_USER: 'op', SIM_OPERATOR_PASSWORD: 's3cret' }),
    ).toBe('s3cret');
    expect(() =>
      operatorPassword({ LG_MODE: 'production', SIM_OPERATOR_USER: 'op', SIM_OPERATOR_PASSWORD: undefined }),
    ).toThrow(/needs the operator password/);
  });
});
