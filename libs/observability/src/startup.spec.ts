import { StartupWaits } from './startup';

function recorder() {
  const lines: string[] = [];
  return {
    lines,
    log: (m: string) => lines.push(`log ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
  };
}

describe('StartupWaits', () => {
  it('tries again until the step succeeds, telling why meanwhile, and logs the first failure and the recovery', async () => {
    const logger = recorder();
    const waits = new StartupWaits(logger, 1);
    let calls = 0;
    const reasons: Array<string | undefined> = [];
    await waits.until('InfluxDB', () => {
      calls++;
      reasons.push(waits.reason('InfluxDB'));
      return calls < 3 ? Promise.reject(new Error(`down ${calls}`)) : Promise.resolve();
    });
    expect(calls).toBe(3);
    expect(reasons).toEqual([undefined, 'down 1', 'down 2']);
    expect(waits.reason('InfluxDB')).toBeUndefined();
    expect(logger.lines).toEqual(['warn waiting for InfluxDB: down 1', 'log InfluxDB: ok now']);
  });

  it('says nothing when the first attempt succeeds', async () => {
    const logger = recorder();
    await new StartupWaits(logger, 1).until('Redis', () => Promise.resolve());
    expect(logger.lines).toEqual([]);
  });

  it('gives up with "stopping" once stopped', async () => {
    const waits = new StartupWaits(recorder(), 1);
    let calls = 0;
    const waiting = waits.until('Redis', () => {
      if (++calls === 2) waits.stop();
      return Promise.reject(new Error('not durable'));
    });
    await expect(waiting).rejects.toThrow('stopping');
    expect(calls).toBe(2);
  });
});
