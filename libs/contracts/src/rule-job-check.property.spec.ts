import fc from 'fast-check';
import { ruleJobSchema } from './jobs';
import { checkRuleJob } from './rule-job-check';
import { DEVICE_KINDS } from './topics';

/**
 * `checkRuleJob` stands in for `ruleJobSchema.safeParse` in the worker: whatever it is handed, it must
 * accept exactly what the schema accepts, and refuse with the first issue zod reports (same path, same
 * message), so that a failed job reads the same as before. When it accepts, it hands back the same object.
 */

/** Both verdicts on `data`; returns whether it was accepted. */
function agree(data: unknown): boolean {
  const checked = checkRuleJob(data);
  const parsed = ruleJobSchema.safeParse(data);
  expect(checked.ok).toBe(parsed.success);
  if (checked.ok) expect(checked.job).toBe(data);
  else if (!parsed.success) {
    const issue = parsed.error.issues[0];
    expect({ path: checked.path, message: checked.message }).toEqual({
      path: issue.path.join('.'),
      message: issue.message,
    });
  }
  return checked.ok;
}

// ---- generators -------------------------------------------------------------------------------------

const text = fc.string({ maxLength: 8 });
/** What the schema takes as a number: anything but NaN (infinities and -0 included). */
const number = fc.oneof(fc.integer(), fc.double({ noNaN: true }));
/** Field values: any number (NaN too: the field check is a typeof test), string or boolean. */
const fieldValue = fc.oneof(fc.double(), fc.integer(), text, fc.boolean());

const reading = fc.record(
  {
    t: fc.constant('r'),
    kind: fc.constantFrom(...DEVICE_KINDS),
    owner: text,
    device: text,
    ts: number,
    rx: number,
    q: fc.constantFrom('ok', 'bad'),
    why: fc.array(text, { maxLength: 3 }),
    f: fc.dictionary(text, fieldValue, { maxKeys: 6 }),
  },
  { requiredKeys: ['t', 'kind', 'owner', 'device', 'ts', 'rx', 'q', 'f'] },
);
const status = fc.record({
  t: fc.constant('s'),
  kind: fc.constantFrom(...DEVICE_KINDS),
  owner: text,
  device: text,
  online: fc.boolean(),
  ts: number,
  rx: number,
});
const validJob = fc.record(
  {
    partition: fc.nat(),
    upTo: text,
    records: fc.array(fc.oneof(reading, status), { maxLength: 6 }),
    tick: number,
  },
  { requiredKeys: ['partition', 'upTo', 'records'] },
);

/** Values of the wrong type or out of range somewhere, and a few that are right in some places. */
const replacement = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    NaN,
    Infinity,
    -Infinity,
    -0,
    -1,
    1.5,
    '',
    'x',
    '3',
    'r',
    's',
    't',
    'truck',
    'gas',
    'boat',
    'ok',
    'bad',
    true,
    false,
    [],
    ['a'],
    [1],
    {},
    { t: 'r' },
    new Date(0),
    new Map(),
    new Set(),
  ),
  fc.jsonValue({ maxDepth: 2 }),
  fc.anything({ maxDepth: 2 }),
);

type Path = Array<string | number>;

/** Every place in `value` (itself, each key or element, recursively) where a mutation can land. */
function places(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => places(v, [...at, i], out));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) places(v, [...at, k], out);
  return out;
}

type Mutation =
  { type: 'set'; value: unknown } | { type: 'delete' } | { type: 'add'; key: string; value: unknown };

/** `value` with one change at `path`, copying only the objects along the path. */
function mutate(value: unknown, path: Path, m: Mutation): unknown {
  if (path.length === 0) {
    if (m.type === 'set') return m.value;
    if (m.type === 'delete') return undefined;
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return { ...value, [m.key]: m.value };
    return value;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[head as number] = mutate(copy[head as number], rest, m);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && m.type === 'delete') delete copy[head];
  else copy[head] = mutate(copy[head], rest, m);
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 6, arbitrary: replacement.map((value) => ({ type: 'set' as const, value })) },
  { weight: 2, arbitrary: fc.constant({ type: 'delete' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('extra', 'why', 'tick', 'online', 'q', 'f', 't'), replacement)
      .map(([key, value]) => ({ type: 'add' as const, key, value })),
  },
);

/** A valid job with one change somewhere in it. */
const mutatedJob = fc.tuple(validJob, fc.nat(), mutation).map(([job, pick, m]) => {
  const all = places(job);
  return mutate(job, all[pick % all.length], m);
});

/** Objects with the job's and the records' key names but values of any JSON type. */
const recordKeys = ['t', 'kind', 'owner', 'device', 'ts', 'rx', 'q', 'why', 'f', 'online'] as const;
const jobLike = fc.record(
  {
    partition: fc.oneof(fc.nat(), fc.jsonValue({ maxDepth: 1 })),
    upTo: fc.oneof(text, fc.jsonValue({ maxDepth: 1 })),
    records: fc.array(
      fc.oneof(
        reading,
        status,
        fc.dictionary(fc.constantFrom(...recordKeys), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 10 }),
      ),
      { maxLength: 4 },
    ),
    tick: fc.jsonValue({ maxDepth: 1 }),
  },
  { requiredKeys: [] },
);

// ---- properties ---------------------------------------------------------------------------------------

describe('checkRuleJob: agrees with ruleJobSchema', () => {
  it('accepts every valid job and returns it as given', () => {
    fc.assert(
      fc.property(validJob, (job) => {
        expect(agree(job)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same verdict and first issue on a valid job with one thing changed', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(mutatedJob, (data) => {
        if (agree(data)) accepted++;
        else refused++;
      }),
      { numRuns: 1000 },
    );
    // Both sides of the property were exercised, not just one.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(200);
  });

  it('gives the same verdict and first issue on job-like objects with values of any type', () => {
    fc.assert(
      fc.property(jobLike, (data) => {
        agree(data);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same verdict and first issue on arbitrary values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.anything()), (data) => {
        agree(data);
      }),
      { numRuns: 300 },
    );
  });
});
