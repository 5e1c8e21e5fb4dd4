import { ruleJobSchema } from './jobs';

describe('ruleJobSchema', () => {
  const reading = {
    t: 'r',
    kind: 'truck',
    owner: 'C01',
    device: 'T001',
    ts: 1_780_000_000_000,
    rx: 1_780_000_000_100,
    q: 'ok',
    f: { lat: 22.7, lon: 114.2, speed: 42.5, ignition: true, driver: 'D-17' },
  };
  const status = { t: 's', kind: 'gas', owner: 'P01', device: 'G001', online: false, ts: 1, rx: 2 };

  it('accepts readings and status records, and a timer job without records', () => {
    expect(ruleJobSchema.safeParse({ partition: 3, upTo: '1-0', records: [reading, status] }).success).toBe(
      true,
    );
    expect(ruleJobSchema.safeParse({ partition: 0, upTo: '', records: [], tick: 5 }).success).toBe(true);
  });

  it.each([
    ['an object', { nested: 1 }],
    ['null', null],
    ['an array', [1, 2]],
  ])('refuses a field value that is %s, naming the field', (_what, value) => {
    const parsed = ruleJobSchema.safeParse({
      partition: 1,
      upTo: '1-0',
      records: [{ ...reading, f: { ...reading.f, speed: value } }],
    });
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(parsed.error.issues[0].path).toEqual(['records', 0, 'f', 'speed']);
      expect(parsed.error.issues[0].message).toBe('must be a number, a string or a boolean');
    }
  });

  it('refuses a record of an unknown type and a negative partition', () => {
    expect(
      ruleJobSchema.safeParse({ partition: 1, upTo: '', records: [{ ...reading, t: 'x' }] }).success,
    ).toBe(false);
    expect(ruleJobSchema.safeParse({ partition: -1, upTo: '', records: [] }).success).toBe(false);
  });
});
