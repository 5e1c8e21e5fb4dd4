import { isUtf8 } from 'node:buffer';
import type { DeviceKind } from './topics';
import { MAX_BATCH_READINGS, MAX_PAYLOAD_BYTES, type RejectReason } from './rejections';

/**
 * Telemetry payloads of contract v1: one reading object or an array of up to 1000, UTF-8 JSON, at most
 * 256 KiB. Validation is hand-written rather than schema-library driven because it runs for every reading
 * on the ingest hot path (about 1 µs a reading) and must name the exact field that was wrong.
 */

export type FieldValue = number | string | boolean;
export type Fields = Record<string, FieldValue>;

type FieldType = 'number' | 'integer' | 'boolean' | 'string';

interface FieldSpec {
  type: FieldType;
  required?: boolean;
  /** Hard bounds: outside them the reading is malformed (`schema`). */
  hard?: [number, number];
  /** Plausible bounds: outside them the reading is stored but unqualified, with `${field}_out_of_range`. */
  plausible?: [number, number];
  oneOf?: readonly string[];
  maxLength?: number;
}

/** Field table per kind. Units: degrees, km/h, metres, mm, % LEL, mA, %. */
export const FIELD_SPECS: Record<DeviceKind, Record<string, FieldSpec>> = {
  truck: {
    lat: { type: 'number', required: true, hard: [-90, 90], plausible: [3.85, 53.55] },
    lon: { type: 'number', required: true, hard: [-180, 180], plausible: [73.55, 135.083] },
    speed: { type: 'number', required: true, plausible: [0, 160] },
    heading: { type: 'number', plausible: [0, 359.999999] },
    alt: { type: 'number', plausible: [-200, 6500] },
    sats: { type: 'integer', hard: [0, 255] },
    ignition: { type: 'boolean' },
    alarm: { type: 'integer', hard: [0, 0xffffffff] },
    driver: { type: 'string', maxLength: 64 },
    /** The terminal has a position (JT/T 808 status bit 1); false: stored unqualified (`no_fix`), never drawn. */
    fix: { type: 'boolean' },
  },
  slope: {
    // Cumulative displacement since the baseline. A sensor (extensometer, GNSS) reading metres has either
    // lost its baseline or the slope has failed: either way the value must not feed the rate rules.
    disp: { type: 'number', required: true, plausible: [-5000, 5000] },
    tilt: { type: 'number', plausible: [-90, 90] },
    rain: { type: 'number', plausible: [0, 500] },
    battery: { type: 'number', plausible: [0, 100] },
  },
  gas: {
    lel: { type: 'number', plausible: [0, 100] },
    gas: { type: 'string', oneOf: ['CH4', 'C3H8'] },
    fault: { type: 'string', maxLength: 64 },
    ma: { type: 'number', plausible: [3.6, 21] },
    battery: { type: 'number', plausible: [0, 100] },
  },
};

/**
 * Reasons a gas detector's reading tells nothing about the gas (domain facts: a fault, a reading outside
 * 0–100 % LEL, an NAMUR NE43 loop current). Other unqualified fields, such as an implausible battery
 * level, leave the measurement standing: they must not hide a gas alarm. Nor does a stamp in the future
 * (`future_ts`): a detector whose clock runs ahead still measures the gas, and the rules place such a
 * reading at its arrival time.
 */
export const GAS_BLIND_REASONS: readonly string[] = ['fault', 'lel_out_of_range', 'ma_out_of_range'];

/** Whether a gas reading unqualified for these reasons (`why`) still measures the gas. */
export function gasReadingSees(why: readonly string[]): boolean {
  return !why.some((w) => GAS_BLIND_REASONS.includes(w));
}

/** A reading that passed validation: event time, the known fields, and why it is unqualified (if it is). */
export interface ValidReading {
  ts: number;
  fields: Fields;
  /** Empty when qualified; otherwise reason codes such as `speed_out_of_range`, `future_ts`, `fault`. */
  bad: string[];
}

export interface ReadingError {
  reason: RejectReason;
  message: string;
  index?: number;
}

export interface ParsedTelemetry {
  readings: ValidReading[];
  errors: ReadingError[];
}

export interface ValidationOptions {
  /** Wall-clock now in epoch ms; a reading later than now + futureToleranceMs is unqualified. */
  now: number;
  futureToleranceMs: number;
}

/** 2000-01-01T00:00:00Z: anything earlier is taken for epoch seconds or a zero clock, and refused. */
const MIN_TS = 946_684_800_000;

/**
 * 2262-01-01T00:00:00Z. InfluxDB stores times as signed 64-bit nanoseconds, which end on 2262-04-11: a
 * reading stamped later could be acknowledged but never stored, so it is refused at once. The API's
 * query times end here too, leaving room for the periods built from them.
 */
export const MAX_STORABLE_TS = Date.UTC(2262, 0, 1);
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 20 ? value.slice(0, 20) + '…' : value}"`;
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

export function parseTimestamp(value: unknown): { ok: true; ts: number } | { ok: false; message: string } {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, message: 'ts must be a finite number' };
    if (value < MIN_TS) {
      return {
        ok: false,
        message: `ts ${value} is before 2000: epoch milliseconds expected (seconds given?)`,
      };
    }
    if (value >= MAX_STORABLE_TS)
      return { ok: false, message: `ts ${value} is after 2262, beyond what can be stored` };
    return { ok: true, ts: Math.floor(value) };
  }
  if (typeof value === 'string') {
    if (!ISO_WITH_ZONE.test(value)) {
      return { ok: false, message: 'ts string must be ISO-8601 with a zone, e.g. 2026-05-01T08:00:00+08:00' };
    }
    const ts = Date.parse(value);
    if (Number.isNaN(ts)) return { ok: false, message: `ts ${describe(value)} is not a valid date` };
    if (ts < MIN_TS) return { ok: false, message: `ts ${value} is before 2000` };
    if (ts >= MAX_STORABLE_TS)
      return { ok: false, message: `ts ${value} is after 2262, beyond what can be stored` };
    return { ok: true, ts };
  }
  if (value === undefined) return { ok: false, message: 'ts is required' };
  return {
    ok: false,
    message: `ts must be epoch milliseconds or an ISO-8601 string, got ${describe(value)}`,
  };
}

/** Validates one reading object of the given kind. */
export function validateReading(
  kind: DeviceKind,
  raw: unknown,
  options: ValidationOptions,
): { ok: true; reading: ValidReading } | { ok: false; message: string } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, message: `a reading must be a JSON object, got ${describe(raw)}` };
  }
  const obj = raw as Record<string, unknown>;
  const time = parseTimestamp(obj.ts);
  if (!time.ok) return time;
  const specs = FIELD_SPECS[kind];
  const fields: Fields = {};
  const bad: string[] = [];
  for (const name in specs) {
    const spec = specs[name];
    const value = obj[name];
    if (value === undefined || value === null) {
      if (spec.required) return { ok: false, message: `${name} is required for a ${kind} reading` };
      continue;
    }
    switch (spec.type) {
      case 'number':
      case 'integer': {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          return { ok: false, message: `${name} must be a finite number, got ${describe(value)}` };
        }
        if (spec.type === 'integer' && !Number.isInteger(value)) {
          return { ok: false, message: `${name} must be an integer, got ${value}` };
        }
        if (spec.hard && (value < spec.hard[0] || value > spec.hard[1])) {
          return {
            ok: false,
            message: `${name} must be within ${spec.hard[0]}..${spec.hard[1]}, got ${value}`,
          };
        }
        if (spec.plausible && (value < spec.plausible[0] || value > spec.plausible[1])) {
          bad.push(`${name}_out_of_range`);
        }
        break;
      }
      case 'boolean':
        if (typeof value !== 'boolean') {
          return { ok: false, message: `${name} must be true or false, got ${describe(value)}` };
        }
        break;
      case 'string':
        if (typeof value !== 'string') {
          return { ok: false, message: `${name} must be a string, got ${describe(value)}` };
        }
        if (spec.oneOf && !spec.oneOf.includes(value)) {
          return {
            ok: false,
            message: `${name} must be one of ${spec.oneOf.join(', ')}, got ${describe(value)}`,
          };
        }
        if (spec.maxLength !== undefined && value.length > spec.maxLength) {
          return { ok: false, message: `${name} must be at most ${spec.maxLength} characters` };
        }
        break;
    }
    fields[name] = value;
  }
  if (kind === 'gas') {
    if (fields.fault !== undefined) bad.push('fault');
    else if (fields.lel === undefined)
      return { ok: false, message: 'lel is required for a gas reading without fault' };
  }
  // A terminal without a position still reports (its alarm bits count), but where it says it is is not a place.
  if (kind === 'truck' && fields.fix === false) bad.push('no_fix');
  if (time.ts > options.now + options.futureToleranceMs) bad.push('future_ts');
  return { ok: true, reading: { ts: time.ts, fields, bad } };
}

/** A telemetry payload refused as a whole: no reading of it is kept. */
function refusedWhole(reason: RejectReason, message: string): ParsedTelemetry {
  return { readings: [], errors: [{ reason, message }] };
}

/**
 * Parses a telemetry payload. Whole-message faults (size, encoding, JSON, batch size) refuse everything;
 * a bad reading inside a batch is refused alone and the good ones are kept.
 */
export function parseTelemetry(
  kind: DeviceKind,
  payload: Buffer,
  options: ValidationOptions,
): ParsedTelemetry {
  if (payload.length > MAX_PAYLOAD_BYTES) {
    return refusedWhole('too_large', `payload is ${payload.length} bytes, the limit is ${MAX_PAYLOAD_BYTES}`);
  }
  if (!isUtf8(payload)) return refusedWhole('invalid_json', 'payload is not valid UTF-8');
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return refusedWhole('invalid_json', `payload is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(body)) {
    const one = validateReading(kind, body, options);
    return one.ok ? { readings: [one.reading], errors: [] } : refusedWhole('schema', one.message);
  }
  if (body.length > MAX_BATCH_READINGS) {
    return refusedWhole(
      'batch_too_large',
      `batch has ${body.length} readings, the limit is ${MAX_BATCH_READINGS}`,
    );
  }
  if (body.length === 0) return refusedWhole('schema', 'batch is empty');
  const readings: ValidReading[] = [];
  const errors: ReadingError[] = [];
  body.forEach((item, index) => {
    const one = validateReading(kind, item, options);
    if (one.ok) readings.push(one.reading);
    else errors.push({ reason: 'schema', message: `reading ${index}: ${one.message}`, index });
  });
  return { readings, errors };
}

/** Status payload: `{"online": true|false}`. */
export function parseStatus(
  payload: Buffer,
): { ok: true; online: boolean } | { ok: false; error: ReadingError } {
  if (payload.length > 1024) {
    return { ok: false, error: { reason: 'too_large', message: 'status payload is larger than 1 KiB' } };
  }
  // As for telemetry: bytes that are not UTF-8 would otherwise decode to U+FFFD and might still parse.
  if (!isUtf8(payload)) {
    return { ok: false, error: { reason: 'invalid_json', message: 'status is not valid UTF-8' } };
  }
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return {
      ok: false,
      error: { reason: 'invalid_json', message: `status is not JSON: ${(err as Error).message}` },
    };
  }
  const online = (body as { online?: unknown } | null)?.online;
  if (typeof online !== 'boolean') {
    return { ok: false, error: { reason: 'schema', message: 'status must be {"online": true|false}' } };
  }
  return { ok: true, online };
}
