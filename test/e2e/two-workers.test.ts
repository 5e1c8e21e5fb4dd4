import { waitFor } from '@lg/services';
import type { Alert } from '@lg/contracts';
import { useOperatorStand } from './helpers';

/**
 * Two worker processes share the rule partitions; a burst of readings for one device, sent as fast as the
 * broker takes them, yields exactly one alert whose severity follows the readings in order.
 */
describe('two workers', () => {
  const stand = useOperatorStand({ apps: ['ingest', 'worker', 'gateway'] }, ['P01'], async (s) => {
    await s.platform.startApp('worker', {}, 'worker2');
  });

  it('split the partitions between them', async () => {
    const { platform } = stand;
    const owned = async (instance: string) => {
      const body = (await (await fetch(`${platform.url(instance)}/ready`)).json()) as {
        dependencies: { partitions: { detail: string } };
      };
      return body.dependencies.partitions.detail;
    };
    await waitFor(
      'both workers to own partitions',
      async () => !(await owned('worker')).includes('none') && !(await owned('worker2')).includes('none'),
    );
  });

  it('turns a burst for one device into exactly one alert with the right final severity', async () => {
    const { platform, token, live: operator } = stand;
    const device = stand.owner('P01');
    const start = Date.now() - 60_000;
    // Rises to red, falls back to 35 % (over orange's 20 % release point but under red's 40 %) long enough
    // to lower to orange, then rises again to red: the final severity is red, in one alert.
    const values = [5, 10, 26, 30, 52, 60, 35, 35, 35, 35, 35, 70];
    const seconds = [0, 1, 2, 3, 4, 5, 6, 16, 26, 36, 40, 45];
    await Promise.all(
      values.map((lel, i) =>
        device.publishAsync(
          `${platform.root}/gas/P01/G002/telemetry`,
          JSON.stringify({ ts: start + seconds[i] * 1000, lel }),
          {
            qos: 1,
          },
        ),
      ),
    );
    await waitFor(
      'the last transition',
      () => operator.alerts.filter((a) => a.device === 'G002').length >= 4,
      15_000,
    );
    const mine = operator.alerts.filter((a) => a.device === 'G002');
    expect(new Set(mine.map((a) => a.id)).size).toBe(1);
    expect(mine.map((a) => a.severity)).toEqual(['orange', 'red', 'orange', 'red']);

    const res = await fetch(`${platform.url('gateway')}/api/alerts?kind=gas`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const listed = ((await res.json()) as Alert[]).filter((a) => a.device === 'G002' && a.rule === 'gas.lel');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ severity: 'red', active: true, value: 70 });
  });
});
