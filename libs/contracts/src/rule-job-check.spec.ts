import { ruleJobSchema } from './jobs';
import { checkRuleJob, readRuleJob } from './rule-job-check';
import { READING_RECORD, STATUS_RECORD } from './testing';

describe('checkRuleJob', () => {
  const reading = READING_RECORD;
  const status = STATUS_RECORD;
  const job = (records: unknown[], more: Record<string, unknown> = {}) => ({
    partition: 3,
    upTo: '1-0',
    records,
    ...more,
  });

  it("reads the router's JSON text of the records (recordsJson) and checks what it holds", () => {
    const wire = { partition: 3, upTo: '1-0', recordsJson: JSON.stringify([reading, status]) };
    expect(readRuleJob(wire)).toEqual({ ok: true, job: job([reading, status]) });
    expect(readRuleJob({ ...wire, recordsJson: '[{"t":"r"' })).toEqual({
      ok: false,
      path: 'recordsJson',
      message: expect.stringMatching(/^Invalid JSON: /),
    });
    expect(readRuleJob({ ...wire, recordsJson: JSON.stringify([{ ...reading, ts: 'soon' }]) })).toEqual({
      ok: false,
      path: 'records.0.ts',
      message: 'Expected number, received string',
    });
    // A job with records is read as it is, whatever else it carries.
    const plain = job([reading]);
    expect(readRuleJob(plain)).toEqual({ ok: true, job: plain });
  });

  it('accepts readings, status records and timer jobs, and returns the very object it was given', () => {
    for (const data of [
      job([reading, status]),
      job([{ ...reading, q: 'bad', why: ['speed_out_of_range'] }]),
      { partition: 0, upTo: '', records: [], tick: 5 },
    ]) {
      const checked = checkRuleJob(data);
      expect(checked).toEqual({ ok: true, job: data });
      if (checked.ok) expect(checked.job).toBe(data);
    }
  });

  it('lets keys the schema does not name pass through (zod would strip them; nothing is copied here)', () => {
    const data = job([{ ...reading, extra: { any: 'thing' } }], { note: 1 });
    const checked = checkRuleJob(data);
    expect(checked.ok).toBe(true);
    if (checked.ok) expect(checked.job.records[0]).toHaveProperty('extra', { any: 'thing' });
  });

  it.each([
    ['a job that is not an object', null, '', 'Expected object, received null'],
    ['a job that is an array', [], '', 'Expected object, received array'],
    ['a missing partition', { upTo: '', records: [] }, 'partition', 'Required'],
    [
      'a partition that is a string',
      job([], { partition: '3' }),
      'partition',
      'Expected number, received string',
    ],
    ['a partition that is NaN', job([], { partition: NaN }), 'partition', 'Expected number, received nan'],
    ['a fractional partition', job([], { partition: 1.5 }), 'partition', 'Expected integer, received float'],
    [
      'a negative partition',
      job([], { partition: -1 }),
      'partition',
      'Number must be greater than or equal to 0',
    ],
    ['an upTo that is a number', job([], { upTo: 7 }), 'upTo', 'Expected string, received number'],
    ['records that are an object', job([], { records: {} }), 'records', 'Expected array, received object'],
    ['a record that is a string', job(['r']), 'records.0', 'Expected object, received string'],
    [
      'a record of an unknown type',
      job([status, { ...reading, t: 'x' }]),
      'records.1.t',
      "Invalid discriminator value. Expected 'r' | 's'",
    ],
    [
      'an unknown kind',
      job([{ ...reading, kind: 'boat' }]),
      'records.0.kind',
      "Invalid enum value. Expected 'truck' | 'slope' | 'gas', received 'boat'",
    ],
    [
      'a kind that is not a string',
      job([{ ...reading, kind: 1 }]),
      'records.0.kind',
      "Expected 'truck' | 'slope' | 'gas', received number",
    ],
    ['a missing device', job([{ ...reading, device: undefined }]), 'records.0.device', 'Required'],
    [
      'a status without online',
      job([{ ...status, online: 'no' }]),
      'records.0.online',
      'Expected boolean, received string',
    ],
    [
      'a timestamp that is a string',
      job([{ ...reading, ts: '2026-05-01' }]),
      'records.0.ts',
      'Expected number, received string',
    ],
    [
      'an unknown quality',
      job([{ ...reading, q: 'good' }]),
      'records.0.q',
      "Invalid enum value. Expected 'ok' | 'bad', received 'good'",
    ],
    [
      'reasons that are a string',
      job([{ ...reading, why: 'drift' }]),
      'records.0.why',
      'Expected array, received string',
    ],
    [
      'a reason that is a number',
      job([{ ...reading, why: ['drift', 3] }]),
      'records.0.why.1',
      'Expected string, received number',
    ],
    [
      'fields that are an array',
      job([{ ...reading, f: [1] }]),
      'records.0.f',
      'Expected object, received array',
    ],
    [
      'a field value that is an object',
      job([{ ...reading, f: { ...reading.f, speed: { v: 1 } } }]),
      'records.0.f.speed',
      'must be a number, a string or a boolean',
    ],
    [
      'a field value that is null',
      job([{ ...reading, f: { lel: null } }]),
      'records.0.f.lel',
      'must be a number, a string or a boolean',
    ],
    ['a tick that is a string', job([], { tick: 'now' }), 'tick', 'Expected number, received string'],
  ])('refuses %s, with the path and message zod gives', (_what, data, path, message) => {
    expect(checkRuleJob(data)).toEqual({ ok: false, path, message });
    const parsed = ruleJobSchema.safeParse(data);
    expect(parsed.success).toBe(false);
    if (!parsed.success) {
      expect(parsed.error.issues[0].path.join('.')).toBe(path);
      expect(parsed.error.issues[0].message).toBe(message);
    }
  });

  it('reports the first error in the order of the schema when a job has several', () => {
    const data = job(
      [
        { ...reading, ts: 'x' },
        { ...reading, kind: 'boat' },
      ],
      { partition: -1, tick: 'x' },
    );
    expect(checkRuleJob(data)).toEqual({
      ok: false,
      path: 'partition',
      message: 'Number must be greater than or equal to 0',
    });
    expect(checkRuleJob({ ...data, partition: 1 })).toMatchObject({ path: 'records.0.ts' });
  });
});
