import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import { AlertStore, applySignal, DEFAULT_GROUPING, IncidentStore } from '@lg/alerts';
import { names, type Alert } from '@lg/contracts';
import { useRedisServer } from './redis-server';

/**
 * Incidents against a real Redis: workers of several partitions placing the alerts of one cause at the
 * same moment gather them into one incident (the compare-and-set); a replay places nothing twice; the
 * window closes an incident; the retention deletes an incident only once its alerts have all gone.
 */
describe('incidents (real Redis)', () => {
  const server = useRedisServer('lg-incidents-');
  let connections: Redis[] = [];
  let stores: IncidentStore[] = [];
  const n = names(`inc${randomBytes(4).toString('hex')}`);
  const T0 = Date.parse('2026-05-01T00:00:00Z');

  /** A yellow truck.offline alert of C01's `device`, opened at `at` as the worker's lifecycle opens one. */
  const alertOf = (device: string, at: number): Alert =>
    applySignal(
      undefined,
      { rule: 'truck.offline', kind: 'truck', owner: 'C01', device },
      { type: 'fire', severity: 'yellow', value: null, threshold: null, message: 'silent' },
      at,
      (since) => ({ level: 'company', since, notify: [] }),
    )!.alert;
  /** Writes the alert's document as the worker's batch would (after the placement). */
  const write = (redis: Redis, a: Alert) =>
    redis.hset(n.alert(a.id), 'doc', JSON.stringify(a), 'active', '1');

  beforeAll(() => {
    // Four "workers", each with its own connection, as partitions of different processes.
    connections = Array.from({ length: 4 }, () => server.connect());
    stores = connections.map((c) => new IncidentStore(c, n, new AlertStore(c, n)));
  });

  it('gathers 200 alerts placed at once by four workers into one incident, and places a replay once', async () => {
    const alerts = Array.from({ length: 200 }, (_, i) => alertOf(`T${i}`, T0 + (i % 20) * 1000));
    const placed = await Promise.all(
      alerts.map((a, i) => stores[i % 4].assign({ alert: a }, DEFAULT_GROUPING)),
    );
    const ids = new Set(placed.map((p) => p?.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    await Promise.all(alerts.map((a, i) => write(connections[i % 4], { ...a, incident: id })));
    const view = await stores[0].view(id!, true);
    expect(view).toMatchObject({
      size: 200,
      open: 200,
      owner: 'C01',
      kind: 'truck',
      key: 'rule=offline|owner=C01',
    });
    expect(await connections[0].pttl(n.incidentHead('rule=offline|owner=C01'))).toBeGreaterThan(0);

    // The worker that lost its lease runs the work again: the alert is already placed.
    const again = await stores[3].assign({ alert: alerts[7] }, DEFAULT_GROUPING);
    expect(again?.id).toBe(id);
    expect(await connections[0].zcard(n.incidentMembers(id!))).toBe(200);
    expect((await stores[1].list({ owners: new Set(['C01']) })).map((i) => i.id)).toEqual([id]);
    expect(await stores[1].list({ owners: new Set(['C02']) })).toEqual([]);
  });

  it('opens a new incident once the window has passed', async () => {
    const late = alertOf('T999', T0 + 20_000 + DEFAULT_GROUPING.windowMs + 1);
    const placed = await stores[2].assign({ alert: late }, DEFAULT_GROUPING);
    expect(placed).toMatchObject({ size: 1, openedAt: late.openedAt });
    await write(connections[2], { ...late, incident: placed!.id });
    expect((await stores[0].list({ minSize: 1 })).map((i) => i.id)).toContain(placed!.id);
  });

  it('deletes an incident only when its alerts have all gone', async () => {
    const [big, single] = await stores[0]
      .list({ minSize: 1, limit: 10 })
      .then((l) => [...l].sort((a, b) => b.size - a.size));
    const cutoff = T0 + 24 * 3_600_000;
    // The retention of closed alerts took every alert of the big one, and all but one of the other.
    const members = await connections[0].zrange(n.incidentMembers(big.id), 0, -1);
    await connections[0].del(...members.map((m) => n.alert(m)));
    expect(await stores[0].trim(cutoff)).toBe(1);
    expect(await stores[0].get(big.id)).toBeUndefined();
    expect(await connections[0].exists(n.incidentMembers(big.id))).toBe(0);
    expect(await connections[0].zscore(n.incidentsOf('C01'), big.id)).toBeNull();
    expect(await stores[0].get(single.id)).toBeDefined();
    expect(await stores[0].trim(cutoff)).toBe(0);
  });
});
