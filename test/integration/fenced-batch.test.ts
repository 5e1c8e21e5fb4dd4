import { FencedBatch, LeaseLostError, Leases, StaleWriteError } from '@lg/redis';
import { Registry } from '@lg/registry';
import { servicesStand } from './services-stand';

/** The worker's only write path, on a real Redis: all of a batch or none of it, and only under its lease. */
describe('FencedBatch', () => {
  const stand = servicesStand('lg-fenced-', Registry.load('config/registry/minimal.json'));

  it('applies every operation, with any number of arguments, while the lease is ours', async () => {
    const { redis } = stand;
    const leases = new Leases(redis, 'worker-a', 10_000);
    expect(await leases.acquire('fb:lease:1')).toBe(true);
    const state = JSON.stringify({ rules: { 'gas.lel': { level: 'red' } }, note: 'quotes " and \\ survive' });
    const batch = new FencedBatch('fb:lease:1', leases.owner)
      .add('HSET', 'fb:state', 'G001', state, 'G002', '{}')
      .add('ZADD', 'fb:deadlines', '1000', 'G001')
      .add('SADD', 'fb:open', 'a1')
      .add('XADD', 'fb:live', 'MAXLEN', '~', '100', '*', 'j', '{"t":"alert"}')
      .add('ZREM', 'fb:deadlines', 'nobody')
      .add('HDEL', 'fb:state', 'G002');
    expect(batch.size).toBe(6);
    await batch.exec(redis);
    expect(await redis.hgetall('fb:state')).toEqual({ G001: state });
    expect(await redis.zscore('fb:deadlines', 'G001')).toBe('1000');
    expect(await redis.smembers('fb:open')).toEqual(['a1']);
    const entries = await redis.xrange('fb:live', '-', '+');
    expect(entries.map(([, fields]) => fields)).toEqual([['j', '{"t":"alert"}']]);
  });

  it('writes nothing once another owner holds the lease', async () => {
    const { redis } = stand;
    await redis.set('fb:lease:2', 'worker-b');
    const batch = new FencedBatch('fb:lease:2', 'worker-a').add('HSET', 'fb:other', 'x', '1');
    await expect(batch.exec(redis)).rejects.toBeInstanceOf(LeaseLostError);
    expect(await redis.exists('fb:other')).toBe(0);
  });

  it('writes nothing when a field it read changed meanwhile (an acknowledgement), and commits when it did not', async () => {
    const { redis } = stand;
    const leases = new Leases(redis, 'worker-c', 10_000);
    expect(await leases.acquire('fb:lease:3')).toBe(true);
    await redis.hset('fb:alert', 'doc', '{"v":1}');
    const write = () =>
      new FencedBatch('fb:lease:3', leases.owner)
        .expectField('fb:alert', 'ack', false)
        .add('HSET', 'fb:alert', 'doc', '{"v":2}')
        .add('XADD', 'fb:live3', '*', 'j', '{"acknowledged":false}');

    // The gateway acknowledges between the worker's read and its commit.
    await redis.hset('fb:alert', 'ack', '{"ackedBy":"operator"}');
    await expect(write().exec(redis)).rejects.toBeInstanceOf(StaleWriteError);
    expect(await redis.hget('fb:alert', 'doc')).toBe('{"v":1}');
    expect(await redis.exists('fb:live3')).toBe(0);

    // Read again: the acknowledgement is known, so the batch states it, and commits.
    const again = new FencedBatch('fb:lease:3', leases.owner)
      .expectField('fb:alert', 'ack', true)
      .add('HSET', 'fb:alert', 'doc', '{"v":2}');
    await again.exec(redis);
    expect(await redis.hget('fb:alert', 'doc')).toBe('{"v":2}');
  });

  it('checks what the batch read, not what its own writes changed: a cleared acknowledgement then another write', async () => {
    const { redis } = stand;
    const leases = new Leases(redis, 'worker-f', 10_000);
    expect(await leases.acquire('fb:lease:6')).toBe(true);
    await redis.hset('fb:raised', 'doc', '{"v":1}', 'ack', '{"ackedBy":"operator"}');
    // A raise clears the acknowledgement it read; a lowering later in the same job states it absent.
    await new FencedBatch('fb:lease:6', leases.owner)
      .expectField('fb:raised', 'ack', true)
      .add('HSET', 'fb:raised', 'doc', '{"v":2}')
      .add('HDEL', 'fb:raised', 'ack')
      .expectField('fb:raised', 'ack', false)
      .add('HSET', 'fb:raised', 'doc', '{"v":3}')
      .exec(redis);
    expect(await redis.hgetall('fb:raised')).toEqual({ doc: '{"v":3}' });
  });

  it('commits after Redis lost its script cache (SCRIPT FLUSH, a restart), sending the script body only then', async () => {
    const { redis } = stand;
    const leases = new Leases(redis, 'worker-d', 10_000);
    expect(await leases.acquire('fb:lease:4')).toBe(true);
    const write = (v: string) =>
      new FencedBatch('fb:lease:4', leases.owner).add('HSET', 'fb:flushed', 'v', v);

    await write('1').exec(redis);
    await redis.script('FLUSH');
    await write('2').exec(redis);
    expect(await redis.hget('fb:flushed', 'v')).toBe('2');

    // Cached again by that commit: the next one goes by SHA1 alone.
    await redis.config('RESETSTAT');
    await write('3').exec(redis);
    const stats = await redis.info('commandstats');
    expect(stats).toMatch(/cmdstat_evalsha:calls=1,.*failed_calls=0/);
    expect(stats).not.toMatch(/cmdstat_eval:/);
    expect(await redis.hget('fb:flushed', 'v')).toBe('3');

    // A lost lease and a stale read are still told apart when the script had to be sent again.
    await redis.script('FLUSH');
    await redis.set('fb:lease:5', 'worker-e');
    await expect(
      new FencedBatch('fb:lease:5', 'worker-d').add('HSET', 'fb:flushed', 'v', 'x').exec(redis),
    ).rejects.toBeInstanceOf(LeaseLostError);
    await redis.script('FLUSH');
    await redis.hset('fb:flushed', 'ack', '1');
    await expect(write('4').expectField('fb:flushed', 'ack', false).exec(redis)).rejects.toBeInstanceOf(
      StaleWriteError,
    );
    expect(await redis.hget('fb:flushed', 'v')).toBe('3');
  });

  it('refuses a command outside the allowed set before anything is sent', () => {
    expect(() => new FencedBatch('fb:lease:1', 'worker-a').add('FLUSHALL', 'x')).toThrow(
      'command FLUSHALL is not allowed in a fenced batch',
    );
  });
});
