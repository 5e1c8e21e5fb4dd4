import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '@lg/services';
import { names, partitionOf, type Alert, type AlertTransition } from '@lg/contracts';
import { usePlatformStand } from './helpers';

/**
 * Follow an alert back to its message (README): the transition served by the API carries the IDs of the
 * rule job and the reading that caused it; the worker's and the gateway's JSON log lines about that
 * transition, and the router's about the pass that queued the job, carry the same IDs with their app and
 * instance; the reading those IDs name is the message that was published, as InfluxDB keeps it (device,
 * device time, receipt time).
 */
describe('correlation IDs, end to end', () => {
  let token = '';
  const stand = usePlatformStand(
    // JSON lines; ingest (the router) and the gateway at debug, where they log each pass and each
    // transition they send on.
    { apps: [], env: { LOG_FORMAT: 'json', LOG_LEVEL: 'log' } },
    async (s) => {
      await s.platform.startApp('ingest', { LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
      await s.platform.startApp('worker', { LOG_FORMAT: 'json', LOG_LEVEL: 'log' });
      await s.platform.startApp('gateway', { LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
      token = await s.login('operator');
    },
  );

  const logLines = (instance: string): Array<Record<string, unknown>> =>
    readFileSync(join(stand.platform.dir, `${instance}.log`), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  /** Waits until `get` finds something, and returns it. */
  async function found<T>(what: string, get: () => T | undefined | Promise<T | undefined>): Promise<T> {
    let value: T | undefined;
    await waitFor(what, async () => (value = await get()) !== undefined);
    return value as T;
  }

  const api = <T>(path: string): Promise<T> => stand.getJson<T>(path, token);

  it("leads from an alert's transition to the apps' log lines and to the published reading", async () => {
    const { platform } = stand;
    const device = await stand.connect('P01');
    const ts = Date.now();
    const published = Date.now();
    await device.publishAsync(`${platform.root}/gas/P01/G003/telemetry`, JSON.stringify({ ts, lel: 61 }), {
      qos: 1,
    });

    // 1. The alert, and its `opened` transition with the trace (kept in InfluxDB with the transition).
    const alert = await found('the gas.lel alert of G003', async () => {
      const alerts = await api<Alert[]>('/api/alerts?active=true');
      return alerts.find((a) => a.rule === 'gas.lel' && a.device === 'G003');
    });
    const opened = await found('the opened transition in the history', async () => {
      const history = await api<AlertTransition[]>(`/api/alerts/${alert.id}/history`);
      return history.find((t) => t.type === 'opened');
    });
    const trace = opened.trace!;
    expect(trace).toBeDefined();
    // The job: the rule queue of the device's partition (4 partitions in tests) and its BullMQ ID.
    const queue = names(platform.prefix).rulesQueue(partitionOf('G003', 4));
    expect(trace.job).toMatch(new RegExp(`^${queue.replace(/[{}]/g, '\\$&')}:\\d+$`));
    // The reading: its device time, and a receipt after the publish.
    expect(trace.ts).toBe(ts);
    expect(trace.rx).toBeGreaterThanOrEqual(published);
    // The job's last reading-log entry: a Redis stream ID no earlier than the receipt.
    expect(trace.upTo).toMatch(/^\d+-\d+$/);
    expect(Number(trace.upTo.split('-')[0])).toBeGreaterThanOrEqual(trace.rx!);

    // 2. The worker's line about the transition: the same IDs, its app and instance.
    const same = (l: Record<string, unknown>) =>
      l.alert === alert.id &&
      l.job === trace.job &&
      l.upTo === trace.upTo &&
      l.rx === trace.rx &&
      l.ts === ts;
    const worker = await found('the worker line', () =>
      logLines('worker').find((l) => l.msg === 'alert opened' && same(l)),
    );
    expect(worker).toMatchObject({ app: 'worker', instance: 'worker-1', level: 'info', device: 'G003' });
    // 3. The gateway's line as it sent the transition on (debug).
    const sent = await found('the gateway line', () =>
      logLines('gateway').find((l) => l.msg === 'alert opened' && same(l)),
    );
    expect(sent).toMatchObject({ app: 'gateway', instance: expect.any(String), level: 'debug' });

    // 4. The router's line about the pass that queued the job (ingest, debug): the job among its jobs, the
    // same last entry.
    const routed = await found('the router line', () =>
      logLines('ingest').find(
        (l) => l.msg === 'routed' && l.upTo === trace.upTo && (l.jobs as string[]).includes(trace.job),
      ),
    );
    expect(routed).toMatchObject({ app: 'ingest', instance: 'ingest-1', level: 'debug' });

    // 5. The message: the reading of that device at that device time, received at that time.
    const rows = await platform.influxQuery(
      `SELECT lel, rx FROM raw_gas.gas WHERE device = 'G003' AND time = ${ts}ms`,
    );
    expect(rows).toEqual([{ time: ts, lel: 61, rx: trace.rx }]);
  });
});
