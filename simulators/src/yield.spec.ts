import { MAX_YIELD_DEVICES, parseYield, YieldBook } from './yield';

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));

describe('parseYield', () => {
  it('reads a lease from the devices and what is left of the message expiry', () => {
    expect(parseYield(json({ devices: ['T012', 'G001'] }), 20)).toEqual({
      kind: 'lease',
      devices: ['T012', 'G001'],
      leaseMs: 20_000,
    });
  });

  it('takes an empty retained message as the run’s end', () => {
    expect(parseYield(Buffer.alloc(0), undefined)).toEqual({ kind: 'release' });
  });

  it('refuses an announcement without expiry: a killed run would silence its devices for ever', () => {
    expect(parseYield(json({ devices: ['T012'] }), undefined)).toMatchObject({ kind: 'invalid' });
    expect(parseYield(json({ devices: ['T012'] }), 0)).toMatchObject({ kind: 'invalid' });
  });

  it('refuses what is not a bounded list of device IDs', () => {
    expect(parseYield(Buffer.from('{'), 10)).toEqual({ kind: 'invalid', error: 'not JSON' });
    expect(parseYield(json(null), 10)).toMatchObject({ kind: 'invalid' });
    expect(parseYield(json({ devices: 'T012' }), 10)).toMatchObject({ kind: 'invalid' });
    expect(parseYield(json({ devices: ['T012', 7] }), 10)).toMatchObject({ kind: 'invalid' });
    expect(parseYield(json({ devices: ['T0/12'] }), 10)).toMatchObject({ kind: 'invalid' });
    const many = Array.from({ length: MAX_YIELD_DEVICES + 1 }, (_, i) => `D${i}`);
    expect(parseYield(json({ devices: many }), 10)).toMatchObject({ kind: 'invalid' });
  });
});

describe('YieldBook', () => {
  it('yields a device while any lease names it, until released or expired', () => {
    const book = new YieldBook();
    book.lease('a', ['T001', 'T002'], 1000);
    book.lease('b', ['T002', 'T003'], 2000);
    expect([...book.yielded()].sort()).toEqual(['T001', 'T002', 'T003']);
    expect(book.nextEnd()).toBe(1000);

    book.release('b');
    expect([...book.yielded()].sort()).toEqual(['T001', 'T002']);

    book.lease('b', ['T003'], 2000);
    book.expire(1000);
    expect([...book.yielded()]).toEqual(['T003']);
    expect(book.nextEnd()).toBe(2000);
    book.expire(2500);
    expect(book.yielded().size).toBe(0);
    expect(book.nextEnd()).toBeUndefined();
  });

  it('replaces a run’s lease on renewal (its devices and its end)', () => {
    const book = new YieldBook();
    book.lease('a', ['T001'], 1000);
    book.lease('a', ['T002'], 5000);
    book.expire(1500);
    expect([...book.yielded()]).toEqual(['T002']);
  });
});
