import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { rejectionChannel, rejectionHistoryKey, type RejectionRecord } from '@lg/contracts';
import { RejectionLog, type Refusal } from '@lg/ingest';
import { Registry } from '@lg/registry';
import { Services, waitFor } from '@lg/services';

/** The owners' histories of refused messages on a real Redis: bounded by count, by age and per flush. */
describe('RejectionLog', () => {
  let dir: string;
  let services: Services;
  let redis: Redis;
  let subscriber: Redis;
  const announced: RejectionRecord[] = [];
  const prefix = `rl${Date.now()}`;
  const owners = new Set(['C01', 'C02']);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-rejlog-'));
    services = await Services.start({ dir, registry: Registry.load('config/registry/minimal.json') });
    redis = new Redis(services.redisUrl);
    subscriber = new Redis(services.redisUrl);
    subscriber.on('message', (_c: string, m: string) =>
      announced.push(...(JSON.parse(m) as RejectionRecord[])),
    );
    await subscriber.subscribe(rejectionChannel(prefix));
  });

  afterAll(async () => {
    await subscriber?.quit();
    await redis?.quit();
    await services?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const refusal = (owner: string, device: string, reason: Refusal['reason'] = 'schema'): Refusal => ({
    where: { kind: 'truck', owner, device, topic: `lg/v1/truck/${owner}/${device}/telemetry` },
    reason,
    message: `speed must be a finite number`,
  });

  it('keeps each owner’s newest refusals up to its cap, with an excerpt and the echo, and announces them', async () => {
    const log = new RejectionLog(redis, prefix, (o) => owners.has(o), { maxPerOwner: 30, flushMs: 10 });
    for (let i = 0; i < 80; i++) {
      log.note(refusal('C01', 'T001'), Buffer.from(`{"ts":${i},"speed":"x"}`), Date.now(), { ts: i });
      if (i % 20 === 19) await log.flush();
    }
    log.note(refusal('C02', 'T020', 'invalid_json'), Buffer.from('\u0000bad'), Date.now(), {});
    // Not an owner of the registry: nothing kept, no key made.
    log.note(refusal('ZZ', 'X'), Buffer.from('{}'), Date.now(), {});
    await log.stop();

    expect(await redis.xlen(rejectionHistoryKey(prefix, 'C01'))).toBe(30);
    expect(await redis.xlen(rejectionHistoryKey(prefix, 'C02'))).toBe(1);
    expect(await redis.exists(rejectionHistoryKey(prefix, 'ZZ'))).toBe(0);
    const newest = await redis.xrevrange(rejectionHistoryKey(prefix, 'C01'), '+', '-', 'COUNT', 1);
    expect(JSON.parse(newest[0][1][1])).toMatchObject({
      owner: 'C01',
      device: 'T001',
      reason: 'schema',
      ts: 79,
      excerpt: '{"ts":79,"speed":"x"}',
      bytes: 21,
    });
    await waitFor('every kept refusal announced', () => announced.length === 81);
    expect(announced.find((r) => r.owner === 'C02')).toMatchObject({
      excerpt: '\\u0000bad',
      reason: 'invalid_json',
    });
    expect(log.kept).toBe(81);
  });

  it('keeps at most a batch per owner per flush of a flood, and counts the rest', async () => {
    const log = new RejectionLog(redis, `${prefix}f`, (o) => owners.has(o), {
      maxPerOwnerPerFlush: 10,
      flushMs: 60_000,
    });
    for (let i = 0; i < 1000; i++) log.note(refusal('C01', 'T001', 'rate_limited'), Buffer.from('{}'), 1, {});
    log.note(refusal('C02', 'T020'), Buffer.from('{}'), 1, {});
    await log.stop();
    expect(await redis.xlen(rejectionHistoryKey(`${prefix}f`, 'C01'))).toBe(10);
    expect(await redis.xlen(rejectionHistoryKey(`${prefix}f`, 'C02'))).toBe(1);
    expect(log.dropped).toBe(990);
  });

  it('drops what is older than its age limit', async () => {
    // Entry IDs are Redis's clock: the age limit is shortened rather than the clock moved.
    const log = new RejectionLog(redis, `${prefix}a`, (o) => owners.has(o), { maxAgeMs: 300 });
    log.note(refusal('C01', 'T001'), Buffer.from('{}'), Date.now(), {});
    await log.flush();
    expect(await redis.xlen(rejectionHistoryKey(`${prefix}a`, 'C01'))).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    // The next write trims the first away: it is older than the limit.
    log.note(refusal('C01', 'T002'), Buffer.from('{}'), Date.now(), {});
    await log.stop();
    const left = await redis.xrange(rejectionHistoryKey(`${prefix}a`, 'C01'), '-', '+');
    expect(left.map(([, f]) => (JSON.parse(f[1]) as RejectionRecord).device)).toEqual(['T002']);
  });
});
