import { z } from 'zod';
import { issueText, issuesText } from './issues';

const schema = z
  .object({
    name: z.string(),
    track: z.object({ gapTimeSec: z.number().positive() }).strict(),
    from: z.number(),
    to: z.number(),
  })
  .strict()
  .refine((v) => v.to > v.from, 'to must be after from');

function failure(value: unknown): z.ZodError {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a failure');
  return result.error;
}

const valid = { name: 'a', track: { gapTimeSec: 1 }, from: 1, to: 2 };

describe('issuesText', () => {
  it('writes each issue as its dotted path and message, joined by "; "', () => {
    const error = failure({ ...valid, name: 3, track: { gapTimeSec: 0 } });
    expect(issuesText(error)).toBe(
      'name: Expected string, received number; track.gapTimeSec: Number must be greater than 0',
    );
  });

  it('names an issue of the whole value by the root word, or by nothing', () => {
    const error = failure({ ...valid, to: 0 });
    expect(issuesText(error, { root: '(root)' })).toBe('(root): to must be after from');
    expect(issuesText(error)).toBe(': to must be after from');
  });

  it('takes another separator between path and message', () => {
    const error = failure({ ...valid, name: 3, to: 0 });
    expect(issuesText(error, { separator: ' ', root: 'body' })).toBe('name Expected string, received number');
    expect(issuesText(failure({ ...valid, to: 0 }), { separator: ' ' })).toBe(' to must be after from');
  });

  it('names at most max issues, in zod order', () => {
    const error = failure({ track: {} });
    expect(error.issues.length).toBe(4);
    expect(issuesText(error, { max: 2 })).toBe('name: Required; track.gapTimeSec: Required');
    expect(issuesText(error, { max: 10 }).split('; ')).toHaveLength(4);
  });

  it('keeps zod wording for unknown keys unless asked to list them', () => {
    const error = failure({ ...valid, speed: 1, track: { gapTimeSec: 1, x: 1, y: 2 } });
    expect(issuesText(error)).toBe(
      "track: Unrecognized key(s) in object: 'x', 'y'; : Unrecognized key(s) in object: 'speed'",
    );
    expect(issuesText(error, { root: 'settings', unknownKeys: true })).toBe(
      'track: unknown keys x, y; unknown key speed',
    );
  });
});

describe('issueText', () => {
  it('writes one issue the same way as issuesText', () => {
    const error = failure({ ...valid, track: { gapTimeSec: -1 } });
    expect(issueText(error.issues[0], { separator: ' ' })).toBe(
      'track.gapTimeSec Number must be greater than 0',
    );
    expect(issueText(error.issues[0])).toBe(issuesText(error));
  });
});
