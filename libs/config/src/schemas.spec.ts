import { ConfigError, loadConfig } from './load';
import { redisEndpoint, redisSchema, replicationSchema } from './schemas';

describe('Redis settings', () => {
  it('uses REDIS_URL when no sentinel is named', () => {
    const c = loadConfig(redisSchema, { REDIS_URL: 'redis://10.0.0.5:6380' });
    expect(redisEndpoint(c)).toEqual({ url: 'redis://10.0.0.5:6380', password: undefined });
  });

  it('reads a sentinel list, the master name and both passwords', () => {
    const c = loadConfig(redisSchema, {
      REDIS_SENTINELS: 'sentinel-1:26379, sentinel-2:26380,[::1]:26381',
      REDIS_MASTER_NAME: 'lg-redis',
      REDIS_PASSWORD: 'data-secret',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
    });
    expect(redisEndpoint(c)).toEqual({
      sentinels: [
        { host: 'sentinel-1', port: 26379 },
        { host: 'sentinel-2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      masterName: 'lg-redis',
      password: 'data-secret',
      sentinelPassword: 'sentinel-secret',
    });
  });

  it.each(['sentinel-1', 'sentinel-1:0', 'sentinel-1:70000', 'a b:26379', 'redis://s:26379'])(
    'stops on a sentinel that is not host:port (%s), naming the variable',
    (bad) => {
      expect(() => loadConfig(redisSchema, { REDIS_SENTINELS: `ok:26379,${bad}` })).toThrow(
        new ConfigError([`REDIS_SENTINELS: "${bad}" is not host:port`]),
      );
    },
  );

  it('refuses a master name with spaces and a negative replica count', () => {
    expect(() => loadConfig(redisSchema, { REDIS_MASTER_NAME: 'my master' })).toThrow(/REDIS_MASTER_NAME/);
    expect(() => loadConfig(replicationSchema, { REDIS_MIN_REPLICAS: '-1' })).toThrow(/REDIS_MIN_REPLICAS/);
    expect(loadConfig(replicationSchema, {})).toEqual({
      REDIS_MIN_REPLICAS: 0,
      REDIS_REPLICA_TIMEOUT_MS: 1000,
    });
  });
});
