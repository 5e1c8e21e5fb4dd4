import type { LogRecord } from '@lg/contracts';
import { readingQualities } from './pipeline';

describe('readingQualities', () => {
  const reading = (q: 'ok' | 'bad'): LogRecord => ({
    t: 'r',
    kind: 'gas',
    owner: 'P01',
    device: 'G001',
    ts: 1,
    rx: 2,
    q,
    f: { lel: 3 },
  });
  const status: LogRecord = { t: 's', kind: 'gas', owner: 'P01', device: 'G001', online: true, ts: 1, rx: 2 };

  it('counts qualified and unqualified readings, and no status record', () => {
    expect(readingQualities([reading('ok'), reading('bad'), status, reading('ok')])).toEqual({
      ok: 2,
      bad: 1,
    });
    expect(readingQualities([status])).toEqual({ ok: 0, bad: 0 });
    expect(readingQualities([])).toEqual({ ok: 0, bad: 0 });
  });
});
