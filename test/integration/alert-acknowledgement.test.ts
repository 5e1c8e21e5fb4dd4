import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { AlertChangedError, AlertStore, applySignal, type AlertSubject, type RuleSignal } from '@lg/alerts';
import { names, type Alert, type LiveRecord } from '@lg/contracts';
import { FencedBatch, Leases, StaleWriteError } from '@lg/redis';
import { useRedisServer } from './redis-server';

/**
 * The acknowledgement against the worker's raise, on a real Redis: both write the same alert hash at the
 * same time, and whichever order they land in, an acknowledgement is either kept in the history and
 * cleared by a raise that names it, or refused so that the person looks again; never lost in silence.
 */
describe('acknowledgement and raise, racing (real Redis)', () => {
  const server = useRedisServer('lg-ack-');
  let redis: Redis;
  let store: AlertStore;
  let leases: Leases;
  const n = names(`ack${randomBytes(4).toString('hex')}`);
  const subject: AlertSubject = { rule: 'gas.lel', kind: 'gas', owner: 'P01', device: 'G001' };
  const fire = (severity: 'orange' | 'red', lel: number): RuleSignal => ({
    type: 'fire',
    severity,
    value: lel,
    threshold: severity === 'red' ? 50 : 25,
    message: `${lel} % LEL`,
  });
  let t = Date.parse('2026-05-01T08:00:00Z');

  /** What the worker does: read the alert, apply the signal, commit under the partition's lease. */
  async function workerReads(id: string | undefined): Promise<Alert | undefined> {
    return id ? store.get(id) : undefined;
  }
  async function workerCommits(current: Alert | undefined, signal: RuleSignal): Promise<Alert> {
    t += 1000;
    const change = applySignal(current, subject, signal, t, (since) => ({
      level: 'grid',
      since,
      notify: [],
    }))!;
    const batch = new FencedBatch(n.partitionLease(0), leases.owner);
    store.stage(batch, change.alert, change.transition, current === undefined);
    await batch.exec(redis);
    return change.alert;
  }
  async function lastLive(): Promise<LiveRecord> {
    const [[, fields]] = await redis.xrevrange(n.live, '+', '-', 'COUNT', 1);
    return JSON.parse(fields[1]) as LiveRecord;
  }

  beforeAll(async () => {
    redis = server.redis;
    store = new AlertStore(redis, n);
    leases = new Leases(redis, 'test-worker', 60_000);
    expect(await leases.acquire(n.partitionLease(0))).toBe(true);
  });

  it('an acknowledgement that lands between the worker’s read and its raise fails the batch; read again, the raise clears it by name', async () => {
    const orange = await workerCommits(undefined, fire('orange', 30));
    const seenByWorker = await workerReads(orange.id);
    expect(seenByWorker?.acknowledged).toBe(false);
    const ackedAt = t + 10;
    await store.acknowledge(orange.id, 'operator', 'checking', ackedAt, 'district', 'orange');
    await expect(workerCommits(seenByWorker, fire('red', 80))).rejects.toBeInstanceOf(StaleWriteError);
    expect(await store.get(orange.id)).toMatchObject({ severity: 'orange', acknowledged: true });

    const red = await workerCommits(await workerReads(orange.id), fire('red', 80));
    expect(red.acknowledged).toBe(false);
    const stored = (await store.get(orange.id))!;
    expect(stored).toMatchObject({ severity: 'red', acknowledged: false });
    expect(stored.ackedBy).toBeUndefined();
    expect(await redis.hexists(n.alert(orange.id), 'ack')).toBe(0);
    const live = await lastLive();
    expect(live.t === 'alert' && live.transition).toMatchObject({
      type: 'raised',
      previousSeverity: 'orange',
      clearedAck: { by: 'operator', at: new Date(ackedAt).toISOString() },
    });

    // Taken again at red; a lowering keeps that acknowledgement.
    await store.acknowledge(orange.id, 'duty', undefined, t + 20, 'district', 'red');
    const lowered = await workerCommits(await workerReads(orange.id), fire('orange', 30));
    expect(lowered.acknowledged).toBe(true);
    expect(await store.get(orange.id)).toMatchObject({
      severity: 'orange',
      acknowledged: true,
      ackedBy: 'duty',
    });
  });

  it('commits a raise and a later transition of the same alert in one batch (one job)', async () => {
    subject.device = 'G004';
    const orange = await workerCommits(undefined, fire('orange', 30));
    await store.acknowledge(orange.id, 'operator', undefined, t + 10, 'district', 'orange');
    const read = await workerReads(orange.id);
    const raise = applySignal(read, subject, fire('red', 80), t + 1000, (since) => ({
      level: 'grid',
      since,
      notify: [],
    }))!;
    const lower = applySignal(raise.alert, subject, fire('orange', 30), t + 2000, (since) => ({
      level: 'grid',
      since,
      notify: [],
    }))!;
    const batch = new FencedBatch(n.partitionLease(0), leases.owner);
    store.stage(batch, raise.alert, raise.transition, false);
    store.stage(batch, lower.alert, lower.transition, false);
    await batch.exec(redis);
    expect(await store.get(orange.id)).toMatchObject({ severity: 'orange', acknowledged: false });
  });

  it('an acknowledgement of what the alert was before a raise is refused, and writes nothing', async () => {
    subject.device = 'G002';
    const orange = await workerCommits(undefined, fire('orange', 30));
    await workerCommits(await workerReads(orange.id), fire('red', 80));
    const before = await redis.xlen(n.live);
    await expect(
      store.acknowledge(orange.id, 'operator', undefined, t + 10, 'district', 'orange'),
    ).rejects.toBeInstanceOf(AlertChangedError);
    expect(await redis.hexists(n.alert(orange.id), 'ack')).toBe(0);
    expect(await redis.xlen(n.live)).toBe(before);
    // Seen red, it is taken.
    expect(
      await store.acknowledge(orange.id, 'operator', undefined, t + 20, 'district', 'red'),
    ).toMatchObject({
      acknowledged: true,
    });
  });

  it("a company's taking of a red alert is its own field: escalations go on, a reopening clears it by name", async () => {
    subject.device = 'G003';
    const red = await workerCommits(undefined, fire('red', 60));
    const taken = await store.acknowledge(red.id, 'c01', 'on it', t + 10, 'company', 'red');
    expect(taken).toMatchObject({ acknowledged: false, companyAck: { by: 'c01', note: 'on it' } });
    expect(await redis.hexists(n.alert(red.id), 'ack')).toBe(0);
    expect(await redis.sismember(n.openAlerts, red.id)).toBe(1);

    const cleared = await workerCommits(await workerReads(red.id), { type: 'clear', value: 5 });
    expect(cleared).toMatchObject({ active: false, acknowledged: false, companyAck: { by: 'c01' } });
    expect(await redis.sismember(n.openAlerts, red.id)).toBe(1);
    const reopened = await workerCommits(await workerReads(red.id), fire('red', 70));
    expect(reopened.companyAck).toBeUndefined();
    expect(await redis.hexists(n.alert(red.id), 'cack')).toBe(0);
    const live = await lastLive();
    expect(live.t === 'alert' && live.transition).toMatchObject({
      type: 'reopened',
      clearedCompanyAck: { by: 'c01' },
    });
  });
});
