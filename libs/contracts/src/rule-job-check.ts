import { FIELD_VALUE_MESSAGE, type RuleJob } from './jobs';
import { DEVICE_KINDS } from './topics';

/**
 * The worker's check of a rule job read from Redis: what `ruleJobSchema` (jobs.ts) checks, with the same
 * first error (path and message) zod would report, but without building a copy of the job. zod's
 * `safeParse` returns a new object for every record and every field map, which at thousands of readings
 * a second was a tenth of the worker's CPU and much of its garbage; the jobs come from our own router,
 * so the check is only a guard against a corrupt or foreign job.
 *
 * The job given is the job returned. One difference from zod follows: zod strips keys the schema does
 * not name, here they stay on the objects (the evaluator reads only the keys it knows).
 *
 * Written for speed on the path where the job is valid: plain loops and `typeof` tests, nothing allocated
 * per record; paths and messages are built only for the one error returned.
 */
export type RuleJobCheck = { ok: true; job: RuleJob } | { ok: false; path: string; message: string };

interface Failure {
  ok: false;
  path: string;
  message: string;
}

const KINDS: ReadonlySet<string> = new Set(DEVICE_KINDS);
const QUALITIES: ReadonlySet<string> = new Set(['ok', 'bad']);
/** zod's spelling of a list of allowed values: `'a' | 'b'`. */
const KIND_LIST = DEVICE_KINDS.map((k) => `'${k}'`).join(' | ');
const QUALITY_LIST = `'ok' | 'bad'`;
const TYPE_LIST = `'r' | 's'`;

/**
 * A queued job (RuleJobWire) made a RuleJob and checked: `recordsJson`, when the job has it instead of
 * `records`, is parsed first, and text that is not JSON fails at path `recordsJson`.
 */
export function readRuleJob(data: unknown): RuleJobCheck {
  if (typeName(data) === 'object') {
    const wire = data as Record<string, unknown>;
    if (wire.records === undefined && typeof wire.recordsJson === 'string') {
      let records: unknown;
      try {
        records = JSON.parse(wire.recordsJson);
      } catch (err) {
        return fail('recordsJson', `Invalid JSON: ${(err as Error).message}`);
      }
      const { recordsJson: _text, ...rest } = wire;
      return checkRuleJob({ ...rest, records });
    }
  }
  return checkRuleJob(data);
}

export function checkRuleJob(data: unknown): RuleJobCheck {
  if (typeName(data) !== 'object') return fail('', expected('object', data));
  const job = data as Record<string, unknown>;
  const partition = job.partition;
  if (!isNumber(partition)) return fail('partition', expected('number', partition));
  if (!Number.isInteger(partition)) return fail('partition', 'Expected integer, received float');
  if (partition < 0) return fail('partition', 'Number must be greater than or equal to 0');
  if (typeof job.upTo !== 'string') return fail('upTo', expected('string', job.upTo));
  const records = job.records;
  if (!Array.isArray(records)) return fail('records', expected('array', records));
  for (let i = 0; i < records.length; i++) {
    const failure = checkRecord(records[i], i);
    if (failure) return failure;
  }
  const tick = job.tick;
  if (tick !== undefined && !isNumber(tick)) return fail('tick', expected('number', tick));
  return { ok: true, job: data as RuleJob };
}

/** Checks record `i` in the order of its schema's keys, so the first error is the one zod reports first. */
function checkRecord(value: unknown, i: number): Failure | undefined {
  if (typeName(value) !== 'object') return fail(`records.${i}`, expected('object', value));
  const r = value as Record<string, unknown>;
  const t = r.t;
  if (t !== 'r' && t !== 's')
    return fail(`records.${i}.t`, `Invalid discriminator value. Expected ${TYPE_LIST}`);
  const kind = r.kind;
  if (typeof kind !== 'string') return fail(`records.${i}.kind`, expected(KIND_LIST, kind));
  if (!KINDS.has(kind)) return fail(`records.${i}.kind`, notOneOf(KIND_LIST, kind));
  if (typeof r.owner !== 'string') return fail(`records.${i}.owner`, expected('string', r.owner));
  if (typeof r.device !== 'string') return fail(`records.${i}.device`, expected('string', r.device));
  if (t === 's') {
    if (typeof r.online !== 'boolean') return fail(`records.${i}.online`, expected('boolean', r.online));
    if (!isNumber(r.ts)) return fail(`records.${i}.ts`, expected('number', r.ts));
    if (!isNumber(r.rx)) return fail(`records.${i}.rx`, expected('number', r.rx));
    return undefined;
  }
  if (!isNumber(r.ts)) return fail(`records.${i}.ts`, expected('number', r.ts));
  if (!isNumber(r.rx)) return fail(`records.${i}.rx`, expected('number', r.rx));
  const q = r.q;
  if (typeof q !== 'string') return fail(`records.${i}.q`, expected(QUALITY_LIST, q));
  if (!QUALITIES.has(q)) return fail(`records.${i}.q`, notOneOf(QUALITY_LIST, q));
  const why = r.why;
  if (why !== undefined) {
    if (!Array.isArray(why)) return fail(`records.${i}.why`, expected('array', why));
    for (let k = 0; k < why.length; k++) {
      const reason: unknown = why[k];
      if (typeof reason !== 'string') return fail(`records.${i}.why.${k}`, expected('string', reason));
    }
  }
  const f = r.f;
  if (typeName(f) !== 'object') return fail(`records.${i}.f`, expected('object', f));
  const fields = f as Record<string, unknown>;
  // for...in, as zod's record does: inherited enumerable keys count too (JSON has none).
  for (const key in fields) {
    const v = fields[key];
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean')
      return fail(`records.${i}.f.${key}`, FIELD_VALUE_MESSAGE);
  }
  return undefined;
}

/** A number as zod's `z.number()` takes it: NaN is refused, infinities are not. */
function isNumber(v: unknown): v is number {
  return typeof v === 'number' && !Number.isNaN(v);
}

function fail(path: string, message: string): Failure {
  return { ok: false, path, message };
}

/** zod's message for a value of the wrong type; a missing one is "Required". */
function expected(what: string, v: unknown): string {
  return v === undefined ? 'Required' : `Expected ${what}, received ${typeName(v)}`;
}

function notOneOf(list: string, v: string): string {
  return `Invalid enum value. Expected ${list}, received '${v}'`;
}

/** The type names zod uses in its messages (its `getParsedType`): `nan`, `null`, `array`, `date`... */
function typeName(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isNaN(v) ? 'nan' : 'number';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return 'array';
      const o = v as { then?: unknown; catch?: unknown };
      if (typeof o.then === 'function' && typeof o.catch === 'function') return 'promise';
      if (v instanceof Map) return 'map';
      if (v instanceof Set) return 'set';
      if (v instanceof Date) return 'date';
      return 'object';
    }
    case 'string':
    case 'boolean':
    case 'undefined':
    case 'function':
    case 'bigint':
    case 'symbol':
      return typeof v;
  }
}
