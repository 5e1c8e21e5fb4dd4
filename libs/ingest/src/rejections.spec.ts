import { RejectionReporter } from './rejections';

const T = Date.parse('2026-05-01T08:00:00Z');

function reporter(logWindowMs = 60_000, maxWindows = 10_000) {
  const published: Array<{ topic: string; body: string }> = [];
  const logged: string[] = [];
  const counted: string[] = [];
  const r = new RejectionReporter(
    'lg/v1',
    {
      publish: (topic, body) => published.push({ topic, body }),
      count: (reason, kind) => counted.push(`${reason}|${kind}`),
      log: (line) => logged.push(line),
    },
    { logWindowMs, maxWindows },
  );
  return { r, published, logged, counted };
}

describe('rejection reporter', () => {
  it('survives a flood of distinct 60,000-character topics from one owner: bounded notices, log and state', () => {
    const { r, published, logged, counted } = reporter();
    for (let i = 0; i < 12_500; i++) {
      const topic = `lg/v1/gas/P01/${'a'.repeat(60_000)}${i}/telemetry`;
      r.report({ kind: 'gas', owner: 'P01', device: '_', topic }, 'bad_topic', 'topic is too long', T + i);
    }
    // Every refusal counted and sent back to its owner, each notice small…
    expect(counted).toHaveLength(12_500);
    expect(published).toHaveLength(12_500);
    expect(new Set(published.map((p) => p.topic))).toEqual(new Set(['lg/v1/_rejected/gas/P01/_']));
    expect(Math.max(...published.map((p) => p.body.length))).toBeLessThan(400);
    expect(JSON.parse(published[0].body).topic).toMatch(/^lg\/v1\/gas\/P01\/a+…\(60025 characters\)$/);
    // …one log line for the owner and reason, and one state entry, whatever the flood held.
    expect(logged).toHaveLength(1);
    expect(logged[0].length).toBeLessThan(400);
    expect(r.tracked).toBe(1);
    // The next window's line says how many were held back; so does a flush once a window ended quietly.
    r.report({ kind: 'gas', owner: 'P01', device: '_', topic: 'x' }, 'bad_topic', 'again', T + 60_000);
    expect(logged[1]).toMatch(
      /; 12499 more bad_topic of owner P01 not logged since 2026-05-01T08:00:00.000Z$/,
    );
    for (let i = 0; i < 5; i++)
      r.report({ kind: 'gas', owner: 'P01', device: '_', topic: 'x' }, 'bad_topic', 'again', T + 61_000);
    r.flush(T + 119_999);
    expect(logged).toHaveLength(2);
    r.flush(T + 120_000);
    expect(logged[2]).toBe(
      'rejections: 5 more bad_topic of owner P01 not logged since 2026-05-01T08:01:00.000Z',
    );
    expect(r.tracked).toBe(0);
  });

  it('logs each owner and reason on its own, and cuts long messages', () => {
    const { r, logged } = reporter();
    r.report({ kind: 'gas', owner: 'P01', device: 'G1', topic: 't' }, 'schema', 'm'.repeat(10_000), T);
    r.report({ kind: 'gas', owner: 'P02', device: 'G2', topic: 't' }, 'schema', 'short', T);
    r.report({ kind: 'gas', owner: 'P01', device: 'G1', topic: 't' }, 'invalid_json', 'short', T);
    r.report({ kind: 'gas', owner: 'P01', device: 'G3', topic: 't' }, 'schema', 'short', T);
    expect(logged).toHaveLength(3);
    expect(logged[0]).toMatch(/m{300}…\(10000 characters\)$/);
  });

  it('stays within its bound of windows, flushing what it held when full', () => {
    const { r, logged } = reporter(60_000, 100);
    for (let i = 0; i < 1000; i++) {
      r.report({ kind: 'gas', owner: `O${i}`, device: '_', topic: 't' }, 'schema', 'x', T);
      r.report({ kind: 'gas', owner: `O${i}`, device: '_', topic: 't' }, 'schema', 'x', T);
      expect(r.tracked).toBeLessThanOrEqual(100);
    }
    expect(logged.filter((l) => l.startsWith('rejected '))).toHaveLength(1000);
    expect(logged.filter((l) => l.startsWith('rejections: 1 more'))).toHaveLength(900);
  });
});
