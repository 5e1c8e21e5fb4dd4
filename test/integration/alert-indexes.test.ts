import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { applySignal, AlertStore, hold, type AlertSubject } from '@lg/alerts';
import { names, type Alert, type Severity } from '@lg/contracts';
import { FencedBatch, Leases } from '@lg/redis';
import { freePort, waitFor } from '@lg/services';
import { gatewayConfig } from '../../apps/gateway/src/config';
import { createGateway } from '../../apps/gateway/src/gateway.app';
import { useRedisServer } from './redis-server';

/**
 * Listings read only their own index, and the retention deletes only closed alerts: against a real Redis,
 * with thousands of alerts of other tenants, counting the alert hashes each listing reads (HMGET calls in
 * Redis's own command statistics).
 */
describe('alert indexes and retention (real Redis)', () => {
  const server = useRedisServer('lg-alert-ix-');
  let redis: Redis;
  let store: AlertStore;
  let leases: Leases;
  const n = names(`ix${randomBytes(4).toString('hex')}`);
  const DAY = 86_400_000;
  const T0 = Date.parse('2026-05-01T00:00:00Z');
  const OTHERS = 3000;

  const truck = (device: string, owner: string): AlertSubject => ({
    rule: 'truck.overspeed',
    kind: 'truck',
    owner,
    device,
  });
  const gas = (device: string): AlertSubject => ({ rule: 'gas.lel', kind: 'gas', owner: 'P01', device });

  /**
   * Opens an alert (held under `cause` when given) and, when asked, clears it, as the worker does (fenced
   * batches, one per transition).
   */
  async function alert(
    subject: AlertSubject,
    at: number,
    clearAt?: number,
    severity: Severity = 'red',
    cause?: string,
  ) {
    const fired = applySignal(
      undefined,
      subject,
      { type: 'fire', severity, value: 90, threshold: 60, message: 'test' },
      at,
      (since) => ({ level: 'company', unit: subject.owner, since, notify: [] }),
    )!;
    const opened = cause === undefined ? fired : hold(fired, cause);
    const batch = new FencedBatch(n.partitionLease(0), leases.owner);
    store.stage(batch, opened.alert, opened.transition, true);
    let last = opened.alert;
    if (clearAt !== undefined) {
      const cleared = applySignal(last, subject, { type: 'clear', value: 10 }, clearAt, () => {
        throw new Error('no escalation on clear');
      })!;
      store.stage(batch, cleared.alert, cleared.transition, false);
      last = cleared.alert;
    }
    await batch.exec(redis);
    return last;
  }

  async function hmgetCalls(): Promise<number> {
    const stats = await redis.info('commandstats');
    const m = /cmdstat_hmget:calls=(\d+)/.exec(stats);
    return m ? Number(m[1]) : 0;
  }

  /** The alert hashes one listing reads, and what it returns. */
  async function reads(list: () => Promise<Alert[]>): Promise<{ read: number; alerts: Alert[] }> {
    const before = await hmgetCalls();
    const alerts = await list();
    return { read: (await hmgetCalls()) - before, alerts };
  }

  let c01: Alert[];

  beforeAll(async () => {
    redis = server.redis;
    store = new AlertStore(redis, n);
    leases = new Leases(redis, 'test-worker', 600_000);
    expect(await leases.acquire(n.partitionLease(0))).toBe(true);
    expect(await store.buildIndexes()).toBe(0);
    // Other tenants: 3000 alerts of C02's trucks and P01's detectors, all cleared, opened before C01's.
    for (let i = 0; i < OTHERS; i += 100) {
      await Promise.all(
        Array.from({ length: 100 }, (_, k) => {
          const at = T0 + (i + k) * 1000;
          const subject = (i + k) % 2 === 0 ? truck(`T0${(i + k) % 90}`, 'C02') : gas(`G${i + k}`);
          return alert(subject, at, at + 500);
        }),
      );
    }
    // C01: two active, three cleared, opened after every other tenant's.
    const later = T0 + OTHERS * 1000 + DAY;
    c01 = [
      await alert(truck('T001', 'C01'), later),
      await alert(truck('T002', 'C01'), later + 1000, later + 2000),
      await alert(truck('T003', 'C01'), later + 3000),
      await alert(truck('T001', 'C01'), later + 4000, later + 5000, 'orange'),
      await alert(truck('T002', 'C01'), later + 6000, later + 7000, 'yellow'),
    ];
  });

  it('lists a company’s alerts by reading that company’s alerts only', async () => {
    const { read, alerts } = await reads(() =>
      store.list({ owners: new Set(['C01']), kind: 'truck', limit: 1000 }),
    );
    expect(alerts.map((a) => a.id)).toEqual([...c01].reverse().map((a) => a.id));
    // One HMGET per alert of C01, whatever the 3000 of the others.
    expect(read).toBe(5);
    const closed = await reads(() =>
      store.list({ owners: new Set(['C01']), kind: 'truck', active: false, limit: 1000 }),
    );
    expect(closed.alerts.map((a) => a.device)).toEqual(['T002', 'T001', 'T002']);
    expect(closed.read).toBe(3);
    // The open alerts a company's live feed starts with: C01's five, of 3005 open in all.
    expect(await redis.scard(n.openAlerts)).toBe(OTHERS + 5);
    const open = await reads(() => store.open({ owners: new Set(['C01']), kind: 'truck' }));
    expect(open.alerts.map((a) => a.id)).toEqual([...c01].reverse().map((a) => a.id));
    expect(open.read).toBe(5);
  });

  it('lists one period’s alerts (a digest’s day) by reading that period’s only', async () => {
    // The middle three of C01's five: opened at or after the second, before the fourth.
    const from = Date.parse(c01[1].openedAt);
    const before = Date.parse(c01[4].openedAt);
    const { read, alerts } = await reads(() =>
      store.list({ owners: new Set(['C01']), since: from, before, limit: 1000 }),
    );
    expect(alerts.map((a) => a.id)).toEqual([c01[3], c01[2], c01[1]].map((a) => a.id));
    expect(read).toBe(3);
    // Every tenant's index, by opening time: the others' 3000 opened earlier are not read either.
    const all = await reads(() => store.list({ since: from, before, limit: 1000 }));
    expect(all.alerts).toHaveLength(3);
    expect(all.read).toBe(3);
  });

  it('lists closed alerts by reading as many as it returns', async () => {
    const { read, alerts } = await reads(() => store.list({ active: false, limit: 10 }));
    expect(alerts).toHaveLength(10);
    expect(alerts.every((a) => !a.active)).toBe(true);
    expect(read).toBe(10);
    // The newest first: C01's three, then the others' newest.
    expect(alerts.slice(0, 3).map((a) => a.owner)).toEqual(['C01', 'C01', 'C01']);
    const active = await reads(() => store.list({ active: true, limit: 1000 }));
    expect(active.alerts.map((a) => a.device)).toEqual(['T003', 'T001']);
    expect(active.read).toBe(2);
  });

  it('deletes closed alerts after the retention, never an active or unacknowledged one', async () => {
    // Acknowledge the oldest 1000 others long ago, and one C01 alert, cleared long ago, only now.
    const oldest = await redis.zrange(n.alertIndex, 0, 999);
    for (const id of oldest) await store.acknowledge(id, 'operator', undefined, T0 + OTHERS * 1000);
    const [, c01Cleared] = c01;
    const ackedNow = T0 + OTHERS * 1000 + 10 * DAY;
    await store.acknowledge(c01Cleared.id, 'operator', undefined, ackedNow);
    const active = c01[0];
    await store.acknowledge(active.id, 'operator', undefined, T0 + OTHERS * 1000);

    // Everything is older than the cutoff, but only the 1000 closed ones qualify: the unacknowledged
    // 2000, the active one (acknowledged or not) and the one acknowledged after the cutoff stay.
    const cutoff = ackedNow - 1;
    const first = await store.trimClosed(cutoff, 600);
    expect(first).toEqual({ examined: 600, deleted: 600, next: 0, done: false });
    const rest = await store.trimClosed(cutoff, 10_000);
    expect(rest.deleted).toBe(400);
    expect(await store.getMany(oldest)).toEqual(new Map());
    for (const key of [
      n.alertIndex,
      n.alertsOf('C02'),
      n.alertsOf('P01', 'inactive'),
      n.alertsOf(undefined, 'inactive'),
      n.clearedAlerts,
    ]) {
      expect(await redis.zmscore(key, ...oldest.slice(0, 50))).toEqual(Array(50).fill(null));
    }
    expect(await redis.zcard(n.alertIndex)).toBe(OTHERS + 5 - 1000);
    expect((await store.get(active.id))?.acknowledged).toBe(true);
    expect(await store.get(c01Cleared.id)).toBeDefined();
    // Unacknowledged cleared alerts are stepped over, not deleted, however many come first.
    const again = await store.trimClosed(cutoff, 10_000);
    expect(again).toMatchObject({ deleted: 0, done: true });
    // …also when a pass looks at fewer than there are: it says where the next one goes on.
    const part = await store.trimClosed(cutoff, 1500);
    expect(part).toEqual({ examined: 1500, deleted: 0, next: 1500, done: false });
    expect(await store.trimClosed(cutoff, 1500, part.next)).toMatchObject({ deleted: 0, done: true });
    // Once the late acknowledgement is older than the cutoff too, that alert goes.
    expect((await store.trimClosed(ackedNow + 1, 10_000)).deleted).toBe(1);
    expect(await store.get(c01Cleared.id)).toBeUndefined();
    const listed = await store.list({ owners: new Set(['C01']), kind: 'truck', limit: 1000 });
    expect(listed.map((a) => a.id)).not.toContain(c01Cleared.id);
    expect(listed).toHaveLength(4);
  });

  it('indexes alerts written before the indexes existed, once', async () => {
    const keys = await redis.keys(`${n.alertsOf('C01')}*`);
    await redis.del(...keys, n.alertIndexesBuilt);
    const fresh = new AlertStore(redis, n);
    // Until they are built, a company's listing walks the index of every alert (and still answers right).
    const before = await reads(() => fresh.list({ owners: new Set(['C01']), kind: 'truck', limit: 1000 }));
    expect(before.alerts).toHaveLength(4);
    expect(before.read).toBeGreaterThan(1000);
    expect(await fresh.buildIndexes()).toBe(OTHERS + 5 - 1001);
    expect(await fresh.buildIndexes()).toBe(0);
    const after = await reads(() => fresh.list({ owners: new Set(['C01']), kind: 'truck', limit: 1000 }));
    expect(after.alerts.map((a) => a.id)).toEqual(before.alerts.map((a) => a.id));
    expect(after.read).toBe(4);
  });

  it('lists held alerts apart: held, not held, by cause; a listing of cleared unacknowledged ones leaves them out on held=false', async () => {
    // C03: a cleared alert raised to people, and two held under its link, cleared without closing by
    // themselves (what a bulk acknowledgement by a filter must never take), one still active.
    const at = Date.now() - DAY;
    const raised = await alert(truck('T301', 'C03'), at, at + 1000, 'yellow');
    const heldCleared = await alert(truck('T302', 'C03'), at + 2000, at + 3000, 'yellow', 'link:C03');
    const heldActive = await alert(truck('T303', 'C03'), at + 4000, undefined, 'yellow', 'link:C03');
    expect(heldCleared).toMatchObject({ active: false, acknowledged: false, inhibitedBy: 'link:C03' });
    const ids = async (filter: Parameters<AlertStore['list']>[0]) =>
      (await store.list({ owners: new Set(['C03']), limit: 1000, ...filter })).map((a) => a.id);
    expect(await ids({})).toEqual([heldActive.id, heldCleared.id, raised.id]);
    expect(await ids({ held: true })).toEqual([heldActive.id, heldCleared.id]);
    expect(await ids({ held: false })).toEqual([raised.id]);
    expect(await ids({ cause: 'link:C03' })).toEqual([heldActive.id, heldCleared.id]);
    expect(await ids({ cause: 'link:C01' })).toEqual([]);
    // The bulk acknowledgement's filter: cleared, unacknowledged, not held.
    expect(await ids({ active: false, acknowledged: false, held: false })).toEqual([raised.id]);
    // Through the open set too (an unacknowledged listing without a state or time).
    expect(await ids({ acknowledged: false, held: true })).toEqual([heldActive.id, heldCleared.id]);
    expect(await ids({ acknowledged: false, held: false })).toEqual([raised.id]);
  });

  it('is run by the gateway: indexes at start-up, then deletes what is past ALERT_RETENTION', async () => {
    await redis.del(n.alertIndexesBuilt);
    const old = await alert(gas('G9001'), Date.now() - 3 * DAY, Date.now() - 2 * DAY);
    await store.acknowledge(old.id, 'operator', undefined, Date.now() - 2 * DAY);
    const recent = await alert(gas('G9002'), Date.now() - 3 * DAY, Date.now() - 2 * DAY);
    await store.acknowledge(recent.id, 'operator', undefined, Date.now());
    const app = await createGateway(
      gatewayConfig({
        LG_MODE: 'demo',
        REGISTRY_FILE: 'config/registry/minimal.json',
        REDIS_URL: server.url,
        REDIS_PREFIX: n.prefix,
        // Never reached: the retention needs Redis only.
        INFLUX_URL: `http://127.0.0.1:${await freePort()}`,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        ALERT_RETENTION: '1d',
        LOG_LEVEL: 'warn',
      }),
      ['error'],
    );
    try {
      await app.init();
      await waitFor('the closed alert past the retention to go', async () => !(await store.get(old.id)));
      expect(await redis.exists(n.alertIndexesBuilt)).toBe(1);
      expect(await store.get(recent.id)).toBeDefined();
    } finally {
      await app.close();
    }
  });
});
