import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { names, type NotifyChannel, type Severity } from '@lg/contracts';
import {
  DeliveryQueue,
  DeliveryStore,
  queuedRecord,
  SmsChannel,
  JsonSmsGateway,
  WebhookChannel,
  type Channel,
  type DeliveryJob,
} from '@lg/notifications';
import { waitFor, type NotifyReceivers } from '@lg/services';
import { RedisAndReceivers } from './redis-receivers';

/**
 * The delivery queue on a real Redis (BullMQ) and real receivers: a job that finds its delivery already
 * sent does not send it again, the same delivery queued twice is sent once, a refused message fails at
 * once with the reason, and one address gets no more than its throttle a minute (red excepted).
 */
describe('notification delivery (real Redis and receivers)', () => {
  const stand = new RedisAndReceivers();
  let redis: Redis;
  let receivers: NotifyReceivers;
  let store: DeliveryStore;
  let queue: DeliveryQueue;
  const n = names(`nd${randomBytes(4).toString('hex')}`);

  const job = (id: string, severity: Severity, to = '13807559999'): DeliveryJob => ({
    id,
    channel: 'sms',
    to,
    contact: { name: '测试', phone: '0755-28909999', mobile: to },
    level: 'grid',
    unit: 'GR-1',
    severity,
    alertIds: [`gas.lel~G001~${id.slice(-6)}`],
    rendered: { subject: 's', sms: `sms ${id}`, text: 't' },
  });
  const hex = (i: number) => i.toString(16).padStart(24, '0');

  async function queueJobs(jobs: DeliveryJob[]): Promise<void> {
    const at = new Date().toISOString();
    await store.recordQueued(jobs.map((j) => ({ delivery: queuedRecord(j, at), alertIds: j.alertIds })));
    await queue.add(jobs);
  }

  beforeAll(async () => {
    await stand.start('lg-notify-');
    ({ redis, receivers } = stand);
    store = new DeliveryStore(redis, n);
    const channels = new Map<NotifyChannel, Channel>([
      ['sms', new SmsChannel(new JsonSmsGateway(`${receivers.httpUrl}/sms`, ''))],
      [
        'webhook' as const,
        new WebhookChannel('json', `${receivers.httpUrl}/webhook`, 'not-the-receivers-key'),
      ],
    ]);
    queue = await stand.deliveryQueue(n, store, channels, { timeoutMs: 2000, throttlePerMinute: 2 });
  });

  afterAll(async () => {
    await queue?.stop();
    await stand.stop();
  });

  it('does not send again what an earlier attempt sent, and sends a delivery queued twice once', async () => {
    // An attempt that sent and died before recording it left the mark: the retried job records it only.
    await redis.set(n.deliverySend(hex(1)), 'done');
    await queueJobs([job(hex(1), 'red', '13800000001'), job(hex(2), 'red', '13800000002')]);
    await queueJobs([job(hex(2), 'red', '13800000002')]);
    await waitFor('both recorded as sent', async () =>
      (await Promise.all([hex(1), hex(2)].map((id) => store.get(id)))).every((d) => d?.state === 'sent'),
    );
    for (const id of [hex(1), hex(2)]) expect((await store.get(id))?.state).toBe('sent');
    expect(receivers.of('sms').map((m) => m.delivery)).toEqual([hex(2)]);
    expect((await store.forAlert(job(hex(2), 'red').alertIds[0])).map((d) => d.id)).toEqual([hex(2)]);
  });

  it('fails a refused message at once, with the reason', async () => {
    // The receiver refuses the signature (401): permanent, no retry.
    const hook: DeliveryJob = { ...job(hex(3), 'red', '13800000003'), channel: 'webhook' };
    await queueJobs([hook]);
    await waitFor('the webhook failed', async () => (await store.get(hex(3)))?.state === 'failed');
    expect(await store.get(hex(3))).toMatchObject({
      state: 'failed',
      attempts: 1,
      reason: expect.stringMatching(/the webhook answered HTTP 401/),
    });
  });

  it('holds an address to its throttle a minute, but never red', async () => {
    // The throttle counts per clock minute: start well inside one.
    if (Date.now() % 60_000 > 45_000)
      await waitFor('a fresh minute', () => Date.now() % 60_000 < 45_000, 20_000, 100);
    const address = '13800000009';
    const yellow = [10, 11, 12, 13].map((i) => job(hex(i), 'yellow', address));
    const red = job(hex(14), 'red', address);
    await queueJobs([...yellow, red]);
    await waitFor(
      'two yellow and the red sent',
      () => receivers.of('sms').filter((m) => m.to === address).length >= 3,
    );
    // The other two wait for the next minute in the queue, still `queued`.
    await waitFor('the two held back recorded as waiting', async () => {
      const states = await Promise.all(yellow.map((j) => store.get(j.id).then((d) => d?.state)));
      return (
        states.filter((s) => s === 'queued').length === 2 && states.filter((s) => s === 'sent').length === 2
      );
    });
    const sent = receivers
      .of('sms')
      .filter((m) => m.to === address)
      .map((m) => m.delivery);
    expect(sent).toContain(hex(14));
    expect(sent).toHaveLength(3);
  });
});
