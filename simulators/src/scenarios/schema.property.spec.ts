import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Registry } from '@lg/registry';
import { parseDuration } from '../duration';
import { scenarioNames, scenariosDir } from './catalog';
import { planScenario } from './plan';
import { parseScenario, ScenarioError } from './schema';

/**
 * Scenario files are written by hand and read by the simulator: whatever one holds, reading and planning it
 * either works or stops with a `ScenarioError` naming the file and the problem — never a crash deep in the
 * planner, and never a plan the simulator cannot send.
 */

const registry = Registry.load('config/registry/longgang.json');
const dir = scenariosDir();
const files = scenarioNames(dir).map((name) => ({
  name,
  json: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown,
}));
const NOW = Date.UTC(2026, 4, 2, 3, 30);

/** Every path to a value inside a JSON document. */
function paths(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

/** A copy of `doc` with the value at `path` replaced (or removed when `value` is undefined). */
function mutate(doc: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(doc) ? [...doc] : { ...(doc as object) }) as Record<string | number, unknown>;
  const [head, ...rest] = path;
  if (rest.length === 0 && value === undefined) delete copy[head];
  else copy[head] = mutate(copy[head], rest, value);
  return copy;
}

const odd = fc.oneof(
  fc.constantFrom(
    undefined,
    null,
    0,
    -1,
    1e308,
    -1e308,
    1.5,
    '',
    '0s',
    '-5s',
    '1000d',
    '1ms',
    '9'.repeat(400) + 's',
    'soon',
    [],
    {},
    true,
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

function readAndPlan(json: unknown): void {
  try {
    const scenario = parseScenario(json, 'scenario.json');
    const plan = planScenario(scenario, { registry, root: 'lg/v1', now: NOW });
    for (const a of plan.actions) {
      if (a.type === 'readings') {
        for (const r of a.readings) if (r.ts !== null) expect(Number.isFinite(r.ts)).toBe(true);
      }
    }
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    expect(err.message.length).toBeGreaterThan(0);
  }
}

describe('scenario files: properties', () => {
  it('reads any JSON as a scenario or refuses it with a ScenarioError', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (json) => readAndPlan(json)),
      { numRuns: 200 },
    );
  });

  it('reads or refuses every scenario with any one value changed or removed', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...files)
          .chain((f) => fc.tuple(fc.constant(f.json), fc.constantFrom(...paths(f.json)), odd)),
        ([json, path, value]) => readAndPlan(mutate(json, path, value)),
      ),
      { numRuns: 150 },
    );
    // Found by these properties: a step whose `for` spans years at a fine `every` made the planner build
    // billions of readings; a duration of 10^400 seconds read as Infinity; and a truck going back and
    // forth (`pingpong`) at a huge speed hung the planner, bouncing end to end one step at a time.
    const fatigue = files.find((f) => f.name === 'fatigue-day')!.json;
    for (const [path, value] of [
      [['steps', 0, 'for'], '1000d'],
      [['steps', 0, 'every'], '1ms'],
      [['timeout'], '9'.repeat(400) + 's'],
    ] as const) {
      expect(() => parseScenario(mutate(fatigue, [...path], value), 'fatigue-day.json')).toThrow(
        ScenarioError,
      );
    }
    // …and a raw step's payload `{}` (json missing) passed the schema and crashed the planner.
    const malformed = files.find((f) => f.name === 'malformed')!.json as {
      steps: Array<{ payload?: object }>;
    };
    const raw = malformed.steps.findIndex((st) => st.payload && 'json' in st.payload);
    expect(() =>
      parseScenario(mutate(malformed, ['steps', raw, 'payload', 'json'], undefined), 'malformed.json'),
    ).toThrow(ScenarioError);
    for (const speed of [1e308, 1e12, 5_000])
      readAndPlan(mutate(fatigue, ['steps', 0, 'fields', 'speed'], speed));
  });

  it('reads a duration as a finite number of milliseconds, or says it is not one', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.stringMatching(/^\d{1,400}(\.\d{1,3})?(ms|s|m|h|d)?$/),
          fc.integer({ min: 300, max: 500 }).map((n) => '9'.repeat(n) + 's'),
          fc.stringMatching(/^(\d{1,3}(ms|s|m|h|d) ?){1,5}$/),
        ),
        (text) => {
          try {
            const ms = parseDuration(text);
            expect(Number.isFinite(ms) && ms >= 0).toBe(true);
          } catch (err) {
            expect((err as Error).message).toMatch(/is not a duration|is too long/);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
