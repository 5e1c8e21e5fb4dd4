import { ruleJobSchema } from './jobs';
import { READING_RECORD, STATUS_RECORD } from './testing';

describe('ruleJobSchema', () => {
  const reading = READING_RECORD;
  const status = STATUS_RECORD;

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
