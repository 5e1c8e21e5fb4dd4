import { AlertStore } from '@lg/alerts';
import { causeAlertsKey, gatewayStatusTopic, names, partitionOf, platformLinkTopic } from '@lg/contracts';
import { CauseAlerts, CauseCache, readRoutingLag } from '@lg/evaluation';
import { PlatformLinks } from '@lg/ingest';
import { Leases } from '@lg/redis';
import { Registry } from '@lg/registry';
import { servicesStand } from './services-stand';

/**
 * The Redis side of inhibition on a real Redis: ingest records a company platform's and a site gateway's
 * link as causes, the worker's cache reloads them only when they moved, the owner of a cause's partition
 * opens and clears its one alert (fenced by the lease), and the routing lag that holds the timers back.
 */
describe('inhibition: causes in Redis', () => {
  const registry = Registry.load('config/registry/minimal.json');
  const prefix = 'inh';
  const n = names(prefix);
  const partitions = 4;
  const stand = servicesStand('lg-inhibit-', registry);

  it('records link and gateway changes as causes, and opens then clears one alert per cause', async () => {
    const links = new PlatformLinks(stand.redis, {
      root: 'lg/v1',
      prefix,
      isCompany: (id) => registry.company(id) !== undefined,
      gatewayOwner: (id) => registry.gateway(id)?.owner,
    });
    const offline = Buffer.from('{"state":"offline"}');
    expect(await links.onStatus(platformLinkTopic('lg/v1', 'C01'), offline)).toEqual({
      subject: 'C01',
      state: 'offline',
    });
    expect(await links.onStatus(gatewayStatusTopic('lg/v1', 'S01', 'S01-GW'), offline)).toEqual({
      subject: 'gateway S01-GW',
      state: 'offline',
    });
    // The same state again is no change; a gateway of another owner or none at all is refused.
    expect(await links.onStatus(gatewayStatusTopic('lg/v1', 'S01', 'S01-GW'), offline)).toBeUndefined();
    await expect(links.onStatus(gatewayStatusTopic('lg/v1', 'P01', 'S01-GW'), offline)).rejects.toThrow(
      /not a gateway of P01/,
    );
    await expect(links.onStatus('lg/v1/_status/S01/gateway', offline)).rejects.toThrow(/not \{root\}/);

    const cache = new CauseCache(stand.redis, prefix);
    expect(await cache.refresh()).toBe(true);
    expect(await cache.refresh()).toBe(false);
    expect([...cache.current().keys()].sort()).toEqual(['gateway:S01-GW', 'link:C01']);
    expect(cache.current().get('link:C01')?.state).toBe('down');

    // Each cause's alert is written by the owner of its partition, under the lease.
    const leases = new Leases(stand.redis, 'worker-a', 10_000);
    const owned = [...new Set(['link:C01', 'gateway:S01-GW'].map((c) => partitionOf(c, partitions)))];
    for (const p of owned) expect(await leases.acquire(n.partitionLease(p))).toBe(true);
    const store = new AlertStore(stand.redis, n);
    const causeAlerts = new CauseAlerts(stand.redis, n, store, registry, leases.owner, partitions);
    expect(await causeAlerts.sync(cache.current(), [])).toBe(0);
    expect(await causeAlerts.sync(cache.current(), owned)).toBe(2);
    expect(await causeAlerts.sync(cache.current(), owned)).toBe(0);
    const ids = await stand.redis.hgetall(causeAlertsKey(prefix));
    const alerts = await store.getMany(Object.values(ids));
    const byCause = new Map([...alerts.values()].map((a) => [a.cause, a]));
    expect(byCause.get('link:C01')).toMatchObject({
      rule: 'platform.link_down',
      owner: 'C01',
      device: 'C01',
      severity: 'orange',
      active: true,
      escalation: { level: 'company', unit: 'C01' },
    });
    expect(byCause.get('gateway:S01-GW')).toMatchObject({
      rule: 'gateway.offline',
      kind: 'slope',
      owner: 'S01',
      device: 'S01-GW',
      active: true,
      escalation: { level: 'grid' },
    });

    await links.onStatus(platformLinkTopic('lg/v1', 'C01'), Buffer.from('{"state":"online"}'));
    expect(await cache.refresh()).toBe(true);
    expect(await causeAlerts.sync(cache.current(), owned)).toBe(1);
    expect(await store.get(ids['link:C01'])).toMatchObject({ active: false, acknowledged: false });
  });

  it('measures how far routing is behind: the age of the oldest entry the route group has not taken', async () => {
    const stream = `${prefix}:lag-test`;
    expect(await readRoutingLag(stand.redis, stream, 'route')).toBe(0);
    await stand.redis.xadd(stream, `${Date.now() - 8000}-0`, 'x', '1');
    await stand.redis.xadd(stream, '*', 'x', '2');
    await stand.redis.xgroup('CREATE', stream, 'route', '0');
    const lag = await readRoutingLag(stand.redis, stream, 'route');
    expect(lag).toBeGreaterThanOrEqual(8000);
    await stand.redis.xreadgroup('GROUP', 'route', 'r1', 'COUNT', 1, 'STREAMS', stream, '>');
    expect(await readRoutingLag(stand.redis, stream, 'route')).toBeLessThan(8000);
    await stand.redis.xreadgroup('GROUP', 'route', 'r1', 'COUNT', 10, 'STREAMS', stream, '>');
    expect(await readRoutingLag(stand.redis, stream, 'route')).toBe(0);
  });
});
