import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { names, type NotifyChannel } from '@lg/contracts';
import {
  addDays,
  allScopes,
  DeliveryQueue,
  DeliveryStore,
  DigestClaims,
  DigestJobs,
  dueDigestDate,
  EmailChannel,
  wireDigestJobs,
  type Channel,
} from '@lg/notifications';
import { Registry } from '@lg/registry';
import { waitFor, type NotifyReceivers } from '@lg/services';
import { RedisAndReceivers } from './redis-receivers';

const TZ = 'Asia/Shanghai';

/**
 * The digest schedule on a real Redis (BullMQ) and a real SMTP server, with two workers: a day's digests
 * go out once per scope however many jobs and workers run them; a claim held by a worker that died is
 * taken over once it lapses; a worker that starts after missed mornings sends the missed days.
 */
describe('digest schedule (real Redis, two workers, real SMTP)', () => {
  const stand = new RedisAndReceivers();
  let redis: Redis;
  let receivers: NotifyReceivers;
  let deliveries: DeliveryQueue;
  const workers: DigestJobs[] = [];
  const n = names(`dg${randomBytes(4).toString('hex')}`);
  const registry = Registry.load('config/registry/longgang.json');
  // Only the companies' digests, and C01–C03's contacts' mail: enough to count, little to send.
  const scopes = allScopes(registry, ['company']);
  const emails = (ids: string[]) =>
    scopes
      .filter((s) => ids.includes(s.scope.id))
      .flatMap((s) => s.contacts.map((c) => c.email))
      .filter((e): e is string => !!e);
  const connection = stand.connection;
  let now = Date.parse('2026-05-02T01:00:00Z'); // 09:00 Shanghai: 05-01 is due

  function worker(holder: string): DigestJobs {
    const jobs = wireDigestJobs(
      redis,
      n,
      registry,
      { store: new DeliveryStore(redis, n), deliveries, channels: ['email'], claimTtlMs: 1500 },
      {
        connection,
        bullPrefix: n.bullPrefix,
        sendAtMinutes: 8 * 60,
        timeZone: TZ,
        kinds: ['company'],
        holder,
        retryDelayMs: 300,
        now: () => now,
      },
    );
    workers.push(jobs);
    return jobs;
  }

  const mailsOf = (date: string) => receivers.of('email').filter((m) => m.subject?.includes(` ${date} 日报`));

  beforeAll(async () => {
    await stand.start('lg-digest-');
    ({ redis, receivers } = stand);
    const channels = new Map<NotifyChannel, Channel>([
      ['email', new EmailChannel(receivers.smtpUrl, 'test <t@longgang.example>', 5000)],
    ]);
    deliveries = await stand.deliveryQueue(n, new DeliveryStore(redis, n), channels, {
      timeoutMs: 5000,
      throttlePerMinute: 1000,
    });
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await deliveries?.stop();
    await stand.stop();
  });

  it('sends a day once per scope with two workers and the day queued twice; a first start sends nothing', async () => {
    const a = worker('worker-a');
    const b = worker('worker-b');
    await Promise.all([a.start(), b.start()]);
    // A first start only notes the day due: a new deployment does not mail history at whatever hour.
    expect(await redis.get(n.digestLastDay)).toBe('2026-05-01');

    const q = new Queue(n.digestQueue, { connection: connection(), prefix: n.bullPrefix });
    // As the schedule's jobs are: retried while another worker holds a scope's claim.
    const opts = { attempts: 10, backoff: { type: 'fixed', delay: 300 } };
    await q.add('daily', { date: '2026-05-01' }, { ...opts, jobId: 'one' });
    await q.add('daily', { date: '2026-05-01' }, { ...opts, jobId: 'two' });
    const expected = emails(scopes.map((s) => s.scope.id));
    expect(expected.length).toBeGreaterThanOrEqual(12);
    await waitFor(
      'every company contact mailed',
      () => mailsOf('2026-05-01').length >= expected.length,
      20_000,
    );
    const claims = new DigestClaims(redis, n);
    await waitFor('both jobs done', async () => (await q.getJobCounts('completed')).completed === 2, 10_000);
    for (const s of scopes) expect(await claims.isDone(s.scope.id, '2026-05-01')).toBe(true);
    const got = mailsOf('2026-05-01').map((m) => m.to);
    expect(got.sort()).toEqual([...expected].sort());
    // The deliveries, with their states, are listed for the scope's day.
    const listed = await new DeliveryStore(redis, n).forDigest('C01', '2026-05-01');
    expect(listed.length).toBe(emails(['C01']).length);
    expect(listed.every((d) => d.transition === 'digest' && d.channel === 'email')).toBe(true);
    await waitFor('recorded as sent', async () =>
      (await new DeliveryStore(redis, n).forDigest('C01', '2026-05-01')).every((d) => d.state === 'sent'),
    );
    await q.close();
  }, 60_000);

  it('takes over the claim of a worker that died holding it, and still sends it once', async () => {
    // A dead worker holds C02's claim of 05-02 (it lapses after its TTL); C01's was sent already.
    now = Date.parse('2026-05-03T01:00:00Z');
    await redis.set(n.digestClaim('C02', '2026-05-02'), 'worker-dead', 'PX', 1500);
    await redis.set(n.digestClaim('C01', '2026-05-02'), 'done');
    const q = new Queue(n.digestQueue, { connection: connection(), prefix: n.bullPrefix });
    const job = await q.add(
      'daily',
      { date: '2026-05-02' },
      { attempts: 10, backoff: { type: 'fixed', delay: 500 } },
    );
    await waitFor(
      'C02 mailed after the claim lapsed',
      () => mailsOf('2026-05-02').some((m) => emails(['C02']).includes(m.to)),
      15_000,
    );
    await waitFor('the day job done', async () => (await job.isCompleted()) === true, 10_000);
    const fresh = await q.getJob(job.id!);
    expect(fresh?.attemptsMade).toBeGreaterThanOrEqual(1); // it failed while the dead worker held C02
    const to = mailsOf('2026-05-02').map((m) => m.to);
    expect(to.filter((t) => emails(['C02']).includes(t))).toHaveLength(emails(['C02']).length);
    expect(to.some((t) => emails(['C01']).includes(t))).toBe(false);
    expect(new Set(to).size).toBe(to.length);
    await q.close();
  }, 60_000);

  it('sends the mornings it missed when a worker starts again', async () => {
    for (const w of workers.splice(0)) await w.stop();
    // Everything was down from the 05-03 run on; it is now 09:00 on 05-06: 05-03, 05-04 and 05-05 are due.
    await redis.set(n.digestLastDay, '2026-05-02');
    now = Date.parse('2026-05-06T01:00:00Z');
    expect(dueDigestDate(now, TZ, 8 * 60)).toBe('2026-05-05');
    await worker('worker-c').start();
    const all = emails(scopes.map((s) => s.scope.id)).length;
    for (let d = '2026-05-03'; d <= '2026-05-05'; d = addDays(d, 1)) {
      const date = d;
      await waitFor(`the digests of ${date}`, () => mailsOf(date).length >= all, 20_000);
    }
    await waitFor('the last day noted', async () => (await redis.get(n.digestLastDay)) === '2026-05-05');
    for (let d = '2026-05-03'; d <= '2026-05-05'; d = addDays(d, 1)) expect(mailsOf(d)).toHaveLength(all);
  }, 90_000);
});
