import fc from 'fast-check';
import { MAX_BATCH_READINGS, MAX_PAYLOAD_BYTES, REJECT_REASONS } from './rejections';
import {
  FIELD_SPECS,
  MAX_STORABLE_TS,
  parseStatus,
  parseTelemetry,
  parseTimestamp,
  validateReading,
  type ParsedTelemetry,
} from './readings';
import { DEVICE_KINDS, deviceTopic, maxDeviceTopicLength, parseDeviceTopic, type DeviceKind } from './topics';

/**
 * Properties of the telemetry parser, the first code that sees what devices send: whatever arrives, it
 * answers (never throws) with readings and rejections whose reason is one of the contract's codes, keeps
 * the good readings of a mixed batch, and names the field that was wrong.
 */

const NOW = Date.parse('2026-05-01T08:00:00Z');
const OPTS = { now: NOW, futureToleranceMs: 60_000 };
const MIN_TS = Date.parse('2000-01-01T00:00:00Z');
const YEAR_2100 = Date.parse('2100-01-01T00:00:00Z');
const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');

/** The contract's codes for what is wrong with a payload itself (the topic and registry have others). */
const PAYLOAD_REASONS = ['invalid_json', 'too_large', 'schema', 'batch_too_large'];

/** Every answer of the parser has the same shape: a payload reason from the contract's list, a message each. */
function wellFormed(parsed: ParsedTelemetry): void {
  for (const e of parsed.errors) {
    expect(REJECT_REASONS).toContain(e.reason);
    expect(PAYLOAD_REASONS).toContain(e.reason);
    expect(typeof e.message).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
  for (const r of parsed.readings) {
    expect(Number.isFinite(r.ts)).toBe(true);
    for (const v of Object.values(r.fields)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
  }
}

// ---- generators -------------------------------------------------------------------------------------

const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

/** An event time the contract accepts: epoch ms since 2000, or ISO-8601 with a zone (Z or ±hh:mm). */
const goodTs = fc.oneof(
  fc.integer({ min: MIN_TS, max: NOW }),
  fc.tuple(fc.integer({ min: MIN_TS, max: NOW }), fc.integer({ min: -12, max: 14 })).map(([ms, offsetH]) => {
    if (offsetH === 0) return new Date(ms).toISOString();
    const local = new Date(ms + offsetH * 3_600_000).toISOString().slice(0, 23);
    const sign = offsetH < 0 ? '-' : '+';
    return `${local}${sign}${String(Math.abs(offsetH)).padStart(2, '0')}:00`;
  }),
);

/** Qualified readings of each kind: every field in its plausible range. */
const QUALIFIED: Record<DeviceKind, fc.Arbitrary<Record<string, unknown>>> = {
  truck: fc.record(
    {
      ts: goodTs,
      lat: finite(22.55, 22.85),
      lon: finite(114.0, 114.45),
      speed: finite(0, 160),
      heading: finite(0, 359),
      alt: finite(-200, 6500),
      sats: fc.integer({ min: 0, max: 255 }),
      ignition: fc.boolean(),
      alarm: fc.integer({ min: 0, max: 0xffffffff }),
      driver: fc.string({ maxLength: 64 }),
    },
    { requiredKeys: ['ts', 'lat', 'lon', 'speed'] },
  ),
  slope: fc.record(
    {
      ts: goodTs,
      disp: finite(-5000, 5000),
      tilt: finite(-90, 90),
      rain: finite(0, 500),
      battery: finite(0, 100),
    },
    { requiredKeys: ['ts', 'disp'] },
  ),
  gas: fc.record(
    {
      ts: goodTs,
      lel: finite(0, 100),
      gas: fc.constantFrom('CH4', 'C3H8'),
      ma: finite(3.6, 21),
      battery: finite(0, 100),
    },
    { requiredKeys: ['ts', 'lel'] },
  ),
};

/** Values of the wrong type for any field: strings of numbers, objects, arrays, deep nesting. */
const deep = fc
  .integer({ min: 1, max: 2000 })
  .map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown);
const wrongType = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('NaN', 'Infinity', '1e400', '60'),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  fc.array(fc.integer(), { maxLength: 3 }),
  deep,
);
/** Not a reading at all. */
const notAnObject = fc.oneof(fc.string(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), deep);

/**
 * A reading of `kind` broken in one way the contract calls `schema`, and the word the message must contain
 * so that the device's owner can tell what was wrong.
 */
function broken(kind: DeviceKind): fc.Arbitrary<{ value: unknown; names: string }> {
  const specs = FIELD_SPECS[kind];
  const numeric = Object.keys(specs).filter((f) => specs[f].type === 'number' || specs[f].type === 'integer');
  const required = Object.keys(specs).filter((f) => specs[f].required);
  const hard = Object.keys(specs).filter((f) => specs[f].hard);
  const base = QUALIFIED[kind];
  const cases: Array<fc.Arbitrary<{ value: unknown; names: string }>> = [
    notAnObject.map((value) => ({ value, names: 'a reading must be a JSON object' })),
    fc.tuple(base, fc.constantFrom(...numeric), wrongType).map(([r, field, bad]) => ({
      value: { ...r, [field]: bad },
      names: field,
    })),
    // Timestamps in seconds, a zero clock, no zone, nonsense, none at all.
    fc
      .tuple(
        base,
        fc.oneof(
          fc.integer({ min: 0, max: 2_000_000_000 }),
          fc.integer({ min: MIN_TS, max: NOW }).map((ms) => new Date(ms).toISOString().slice(0, 19)),
          fc.constantFrom('yesterday', '', '2026-13-45T99:99:99Z', true, null),
        ),
      )
      .map(([r, ts]) => ({ value: { ...r, ts }, names: 'ts' })),
    base.map((r) => {
      const { ts: _ts, ...rest } = r;
      return { value: rest, names: 'ts' };
    }),
  ];
  if (kind !== 'gas') {
    cases.push(
      fc.tuple(base, fc.constantFrom(...required.filter((f) => f !== 'ts'))).map(([r, field]) => {
        const copy = { ...r };
        delete copy[field];
        return { value: copy, names: field };
      }),
    );
  } else {
    cases.push(
      base.map((r) => {
        const { lel: _lel, ...rest } = r;
        return { value: rest, names: 'lel' };
      }),
    );
    cases.push(
      fc
        .tuple(
          base,
          fc.string({ maxLength: 8 }).filter((g) => g !== 'CH4' && g !== 'C3H8'),
        )
        .map(([r, g]) => ({ value: { ...r, gas: g }, names: 'gas' })),
    );
  }
  if (hard.length > 0) {
    // Beyond the hard bounds: latitude 91, an alarm word of 2^32, a negative satellite count.
    cases.push(
      fc.tuple(base, fc.constantFrom(...hard), fc.boolean()).map(([r, field, above]) => {
        const [lo, hi] = specs[field].hard!;
        return { value: { ...r, [field]: above ? hi + 1 : lo - 1 }, names: field };
      }),
    );
  }
  return fc.oneof(...cases);
}

// ---- properties ---------------------------------------------------------------------------------------

describe('telemetry parser: properties', () => {
  it('never throws on arbitrary bytes, and answers with a reason from the contract', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DEVICE_KINDS), fc.uint8Array({ maxLength: 512 }), (kind, bytes) => {
        const parsed = parseTelemetry(kind, Buffer.from(bytes), OPTS);
        wellFormed(parsed);
        expect(parsed.readings.length + parsed.errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary JSON, however typed or nested', () => {
    fc.assert(
      fc.property(fc.constantFrom(...DEVICE_KINDS), fc.jsonValue({ maxDepth: 6 }), (kind, value) => {
        wellFormed(parseTelemetry(kind, json(value), OPTS));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws when handed values JSON cannot carry (NaN, infinities, functions, symbols)', () => {
    const odd = fc.oneof(
      fc.constantFrom(NaN, Infinity, -Infinity, -0, undefined, () => 1, Symbol('x'), 10n),
      fc.anything({ withBigInt: true, withBoxedValues: true, withMap: true, withSet: true }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...DEVICE_KINDS), odd, odd, (kind, v, ts) => {
        const specs = Object.keys(FIELD_SPECS[kind]);
        for (const field of specs) {
          const r = validateReading(kind, { ...{ ts: NOW }, [field]: v }, OPTS);
          if (r.ok) {
            for (const x of Object.values(r.reading.fields))
              if (typeof x === 'number') expect(Number.isFinite(x)).toBe(true);
          } else expect(r.message.length).toBeGreaterThan(0);
        }
        expect(() => validateReading(kind, v, OPTS)).not.toThrow();
        expect(() => parseTimestamp(ts)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('refuses NaN and infinite numbers naming the field', () => {
    for (const kind of DEVICE_KINDS) {
      for (const field of Object.keys(FIELD_SPECS[kind])) {
        const spec = FIELD_SPECS[kind][field];
        if (spec.type !== 'number' && spec.type !== 'integer') continue;
        for (const bad of [NaN, Infinity, -Infinity]) {
          expect(
            validateReading(
              kind,
              { ts: NOW, lat: 22.7, lon: 114.2, speed: 1, disp: 0, lel: 1, [field]: bad },
              OPTS,
            ),
          ).toEqual({ ok: false, message: `${field} must be a finite number, got ${String(bad)}` });
        }
      }
    }
  });

  it('keeps every good reading of a mixed batch and refuses each bad one, naming its index and field', () => {
    const item = (kind: DeviceKind) =>
      fc.oneof(
        { weight: 3, arbitrary: QUALIFIED[kind].map((value) => ({ good: true as const, value })) },
        { weight: 2, arbitrary: broken(kind).map((b) => ({ good: false as const, ...b })) },
      );
    fc.assert(
      fc.property(
        fc
          .constantFrom(...DEVICE_KINDS)
          .chain((kind) =>
            fc.tuple(fc.constant(kind), fc.array(item(kind), { minLength: 1, maxLength: 40 })),
          ),
        ([kind, items]) => {
          const parsed = parseTelemetry(kind, json(items.map((i) => i.value)), OPTS);
          wellFormed(parsed);
          const good = items.filter((i) => i.good);
          expect(parsed.readings).toHaveLength(good.length);
          parsed.readings.forEach((r, k) => {
            // As the device sent it: through JSON (-0 arrives as 0).
            const sent = JSON.parse(JSON.stringify(good[k].value)) as Record<string, unknown>;
            expect(r.bad).toEqual([]);
            expect(parseTimestamp(sent.ts)).toEqual({ ok: true, ts: r.ts });
            for (const [f, v] of Object.entries(r.fields)) expect(v).toEqual(sent[f]);
          });
          const bad = items.map((i, index) => ({ ...i, index })).filter((i) => !i.good);
          expect(parsed.errors.map((e) => e.index)).toEqual(bad.map((b) => b.index));
          parsed.errors.forEach((e, k) => {
            expect(e.reason).toBe('schema');
            expect(e.message.startsWith(`reading ${bad[k].index}: `)).toBe(true);
            if (!bad[k].good) expect(e.message).toContain(bad[k].names);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps an out-of-range value as an unqualified reading, not a rejection', () => {
    // Speeds of 10^308 km/h, LEL of 1e300, a fix at 0,0: well-formed but implausible.
    fc.assert(
      fc.property(
        fc.oneof(
          QUALIFIED.truck.chain((r) =>
            fc.oneof(
              fc.constant({
                kind: 'truck' as const,
                value: { ...r, lat: 0, lon: 0 },
                why: ['lat_out_of_range', 'lon_out_of_range'],
              }),
              finite(160.000001, 1.7e308).map((speed) => ({
                kind: 'truck' as const,
                value: { ...r, speed },
                why: ['speed_out_of_range'],
              })),
            ),
          ),
          QUALIFIED.gas.chain((r) =>
            fc.oneof(finite(100.000001, 1.7e308), finite(-1.7e308, -0.000001)).map((lel) => ({
              kind: 'gas' as const,
              value: { ...r, lel },
              why: ['lel_out_of_range'],
            })),
          ),
        ),
        ({ kind, value, why }) => {
          const parsed = parseTelemetry(kind, json(value), OPTS);
          expect(parsed.errors).toEqual([]);
          expect(parsed.readings).toHaveLength(1);
          expect(parsed.readings[0].bad).toEqual(expect.arrayContaining(why));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('gives every numeric field a domain range, and marks a value outside it unqualified by name', () => {
    // Every number a device sends is bounded somewhere: a hard range (refused as schema) or a plausible one
    // (stored, unqualified, kept out of threshold rules). `disp` had neither.
    const cases = DEVICE_KINDS.flatMap((kind) =>
      Object.entries(FIELD_SPECS[kind])
        .filter(([, spec]) => spec.type === 'number' || spec.type === 'integer')
        .map(([field, spec]) => ({ kind, field, spec })),
    );
    for (const { kind, field, spec } of cases)
      expect([kind, field, spec.hard ?? spec.plausible]).not.toContain(undefined);
    const plausible = cases.filter((c) => c.spec.plausible);
    fc.assert(
      fc.property(
        fc.constantFrom(...plausible).chain(({ kind, field, spec }) => {
          const [lo, hi] = spec.plausible!;
          // Outside the plausible range but inside the hard one (beyond that it is a schema error).
          const [min, max] = spec.hard ?? [-1.7e308, 1.7e308];
          const above = hi + Math.max(1e-6, Math.abs(hi) * 1e-9);
          const below = lo - Math.max(1e-6, Math.abs(lo) * 1e-9);
          const sides = [
            ...(above <= max ? [finite(above, max)] : []),
            ...(below >= min ? [finite(min, below)] : []),
          ];
          const outside = fc.oneof(...sides);
          return fc.tuple(fc.constant({ kind, field }), QUALIFIED[kind], outside);
        }),
        ([{ kind, field }, reading, value]) => {
          const parsed = parseTelemetry(kind, json({ ...reading, [field]: value }), OPTS);
          expect(parsed.errors).toEqual([]);
          expect(parsed.readings[0].bad).toContain(`${field}_out_of_range`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses epoch seconds and times before 2000, stores a time in 2100 as unqualified', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MIN_TS - 1 }), (ts) => {
        const r = validateReading('gas', { ts, lel: 1 }, OPTS);
        expect(r).toMatchObject({
          ok: false,
          message: expect.stringContaining('epoch milliseconds expected'),
        });
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: YEAR_2100, max: YEAR_2100 + 365 * 86_400_000 }),
        fc.boolean(),
        (ms, iso) => {
          const r = validateReading('gas', { ts: iso ? new Date(ms).toISOString() : ms, lel: 1 }, OPTS);
          expect(r).toEqual({ ok: true, reading: { ts: ms, fields: { lel: 1 }, bad: ['future_ts'] } });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses a time InfluxDB cannot store (2262 on), as a number or a string, so nothing acknowledged is lost', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_STORABLE_TS, max: 8.64e15 }), fc.boolean(), (ms, iso) => {
        const ts = iso ? new Date(ms).toISOString().replace(/^\+0*/, '') : ms;
        const r = validateReading('gas', { ts, lel: 1 }, OPTS);
        expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/after 2262|ISO-8601/) });
      }),
      { numRuns: 200 },
    );
    // The last storable millisecond is taken.
    expect(validateReading('gas', { ts: MAX_STORABLE_TS - 1, lel: 1 }, OPTS)).toMatchObject({ ok: true });
  });

  it('refuses a payload over 256 KiB as too_large whatever it holds, up to 10 MB', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_PAYLOAD_BYTES + 1, max: 10 * 1024 * 1024 }),
        fc.constantFrom(0x20, 0x5b, 0xff),
        (size, fill) => {
          const parsed = parseTelemetry('truck', Buffer.alloc(size, fill), OPTS);
          expect(parsed).toEqual({
            readings: [],
            errors: [
              { reason: 'too_large', message: `payload is ${size} bytes, the limit is ${MAX_PAYLOAD_BYTES}` },
            ],
          });
        },
      ),
      { numRuns: 8 },
    );
    // A 10 MB batch of good readings is refused too, not parsed.
    const reading = JSON.stringify({ ts: NOW, lel: 1 });
    const big = Buffer.from(
      `[${Array.from({ length: Math.ceil(10_485_760 / reading.length) }, () => reading).join(',')}]`,
    );
    expect(parseTelemetry('gas', big, OPTS).errors[0].reason).toBe('too_large');
  });

  it('refuses invalid UTF-8 as invalid_json, wherever the bad bytes are', () => {
    const badSequence = fc.constantFrom(
      [0xff],
      [0xc0, 0x80], // overlong NUL
      [0xed, 0xa0, 0x80], // an encoded surrogate
      [0xe2, 0x82], // truncated
      [0xf5, 0x80, 0x80, 0x80], // beyond U+10FFFF
    );
    fc.assert(
      fc.property(QUALIFIED.gas, badSequence, fc.nat(), (r, seq, at) => {
        const text = Buffer.from(JSON.stringify({ ...r, note: 'xxxx' }));
        const cut = at % (text.length + 1);
        const payload = Buffer.concat([text.subarray(0, cut), Buffer.from(seq), text.subarray(cut)]);
        expect(parseTelemetry('gas', payload, OPTS)).toEqual({
          readings: [],
          errors: [{ reason: 'invalid_json', message: 'payload is not valid UTF-8' }],
        });
        expect(parseStatus(payload)).toMatchObject({ ok: false, error: { reason: 'invalid_json' } });
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a batch over 1000 readings as batch_too_large, and keeps one of exactly 1000', () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_BATCH_READINGS + 1, max: 5000 }), (n) => {
        const parsed = parseTelemetry('gas', Buffer.from(`[${'0,'.repeat(n - 1)}0]`), OPTS);
        expect(parsed.errors).toEqual([
          {
            reason: 'batch_too_large',
            message: `batch has ${n} readings, the limit is ${MAX_BATCH_READINGS}`,
          },
        ]);
      }),
      { numRuns: 20 },
    );
    const full = parseTelemetry(
      'gas',
      json(Array.from({ length: MAX_BATCH_READINGS }, (_, i) => ({ ts: NOW - i, lel: 1 }))),
      OPTS,
    );
    expect(full).toMatchObject({ errors: [] });
    expect(full.readings).toHaveLength(MAX_BATCH_READINGS);
  });

  it('refuses deep nesting without overflowing the stack', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_PAYLOAD_BYTES / 2 }), fc.boolean(), (depth, objects) => {
        const text = objects
          ? `{"ts":${NOW},"lel":1,"x":${'{"a":'.repeat(Math.floor(depth / 5))}1${'}'.repeat(Math.floor(depth / 5))}}`
          : '['.repeat(depth) + ']'.repeat(depth);
        const parsed = parseTelemetry('gas', Buffer.from(text), OPTS);
        wellFormed(parsed);
        if (objects) expect(parsed.readings).toHaveLength(1);
        else expect(parsed.readings).toHaveLength(0);
      }),
      { numRuns: 20 },
    );
  });

  it('reads a status payload or refuses it with a reason from the contract', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)),
          fc.jsonValue({ maxDepth: 3 }).map(json),
          fc.boolean().map((online) => json({ online })),
          fc.integer({ min: 1025, max: 10_000 }).map((n) => Buffer.alloc(n, 0x20)),
        ),
        (payload) => {
          const s = parseStatus(payload);
          if (s.ok) expect(typeof s.online).toBe('boolean');
          else expect(PAYLOAD_REASONS).toContain(s.error.reason);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('device topics: properties', () => {
  const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);

  it('never throws, and reads back every topic it builds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (topic) => {
        const r = parseDeviceTopic('lg/v1', topic);
        if (r.ok) expect(deviceTopic('lg/v1', r.topic)).toBe(topic);
        else expect(r.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom(...DEVICE_KINDS),
          owner: id,
          device: id,
          channel: fc.constantFrom('telemetry' as const, 'status' as const),
        }),
        (t) => {
          expect(parseDeviceTopic('lg/v1', deviceTopic('lg/v1', t))).toEqual({ ok: true, topic: t });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses any topic with a level that is not an ID, with the level named', () => {
    const badId = fc.oneof(
      fc.constant(''),
      fc.string({ minLength: 65, maxLength: 70, unit: fc.constantFrom('a', 'B', '1') }),
      fc
        .string({ minLength: 1, maxLength: 10 })
        .filter((s) => !/^[A-Za-z0-9_-]+$/.test(s) && !s.includes('/')),
    );
    fc.assert(
      fc.property(fc.constantFrom(...DEVICE_KINDS), id, badId, fc.boolean(), (kind, good, bad, ownerBad) => {
        const topic = `lg/v1/${kind}/${ownerBad ? bad : good}/${ownerBad ? good : bad}/telemetry`;
        expect(parseDeviceTopic('lg/v1', topic)).toEqual({
          ok: false,
          message:
            topic.length > maxDeviceTopicLength('lg/v1')
              ? `topic is longer than ${maxDeviceTopicLength('lg/v1')} characters`
              : `${ownerBad ? 'ownerId' : 'deviceId'} must match [A-Za-z0-9_-]{1,64}`,
        });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a topic longer than the contract allows before looking at it, whatever it holds', () => {
    const max = maxDeviceTopicLength('lg/v1');
    // The longest topic the contract has is accepted; one character more is refused, as is any size up to
    // MQTT's 65,535 bytes.
    const longest = deviceTopic('lg/v1', {
      kind: 'slope',
      owner: 'O'.repeat(64),
      device: 'D'.repeat(64),
      channel: 'telemetry',
    });
    expect(longest.length).toBe(max);
    expect(parseDeviceTopic('lg/v1', longest)).toMatchObject({ ok: true });
    fc.assert(
      fc.property(
        fc.integer({ min: max + 1, max: 65_535 }),
        fc.constantFrom('a', '/', '+', '#', 'é'),
        (n, unit) => {
          const topic = `lg/v1/gas/P01/${unit.repeat(n)}`.slice(0, n);
          expect(parseDeviceTopic('lg/v1', topic)).toEqual({
            ok: false,
            message: `topic is longer than ${max} characters`,
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
