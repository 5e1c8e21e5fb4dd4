import fc from 'fast-check';
import { parseDeviceTopic, REJECT_REASONS, type ReadingRecord } from '@lg/contracts';
import { Registry } from '@lg/registry';
import { DeviceRateLimiter, DEFAULT_DEVICE_RATE_LIMIT, type DeviceRateLimit } from './device-rate-limit';
import { DriftDetector } from './drift';
import { MessageIntake, OWNER_LIMIT_GAS_READ_BYTES, type Intake } from './intake';
import { OwnerRateLimiter } from './owner-rate-limit';

const registry = Registry.load('config/registry/minimal.json');
const ROOT = 'lg/v1';
const T = Date.parse('2026-05-01T08:00:00Z');
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
// 1 m of latitude, in degrees.
const M = 1 / 111_195;

function intake(limit: DeviceRateLimit = DEFAULT_DEVICE_RATE_LIMIT): MessageIntake {
  return new MessageIntake({ root: ROOT, futureToleranceMs: 60_000 }, registry, {
    drift: new DriftDetector(),
    limiter: new DeviceRateLimiter(limit),
  });
}

const readings = (i: Intake) => i.records as ReadingRecord[];

describe('message intake', () => {
  it('refuses by topic and registry with the contract’s codes, and ignores its own notices', () => {
    const take = (topic: string) => intake().take(topic, json({ ts: T, lel: 1 }), T).refused;
    expect(take('lg/v1/boat/P01/G001/telemetry')).toMatchObject([{ reason: 'bad_topic' }]);
    expect(take('lg/v1/gas/P01/G999/telemetry')).toEqual([
      {
        where: { kind: 'gas', owner: 'P01', device: 'G999', topic: 'lg/v1/gas/P01/G999/telemetry' },
        reason: 'unknown_device',
        message: 'no gas G999 is registered under P01',
      },
    ]);
    // Another tenant's device gets the very same answer as one that does not exist: nothing names its owner.
    expect(take('lg/v1/gas/C01/G001/telemetry')).toEqual([
      {
        where: { kind: 'gas', owner: 'C01', device: 'G001', topic: 'lg/v1/gas/C01/G001/telemetry' },
        reason: 'unknown_device',
        message: 'no gas G001 is registered under C01',
      },
    ]);
    expect(take('lg/v1/truck/P01/G001/telemetry')).toMatchObject([{ reason: 'unknown_device' }]);
    // An owner the registry does not know is reported as `_`: bookkeeping is keyed by registered owners only.
    expect(take('lg/v1/gas/NOBODY/G001/telemetry')).toMatchObject([
      { reason: 'unknown_device', where: { owner: '_', device: 'G001' } },
    ]);
    expect(intake().take('lg/v1/_rejected/gas/P01/G001', Buffer.from('{}'), T)).toEqual({
      records: [],
      refused: [],
    });
  });

  it('answers any topic under the root: a registered device under its own owner and kind, or a refusal', () => {
    const level = fc.oneof(
      fc.constantFrom(
        'truck',
        'gas',
        'slope',
        'C01',
        'C02',
        'P01',
        'T001',
        'G001',
        'telemetry',
        'status',
        '',
        '_rejected',
      ),
      fc.string({ maxLength: 8 }).filter((x) => !x.includes('/')),
    );
    fc.assert(
      fc.property(fc.array(level, { minLength: 1, maxLength: 6 }), (levels) => {
        const topic = `${ROOT}/${levels.join('/')}`;
        const out = intake().take(topic, json({ ts: T, lel: 1, lat: 22.7, lon: 114.3, speed: 1 }), T);
        const parsed = parseDeviceTopic(ROOT, topic);
        const device = parsed.ok ? registry.device(parsed.topic.device) : undefined;
        if (parsed.ok && device?.owner === parsed.topic.owner && device.kind === parsed.topic.kind) {
          // A real device: its payload decides (a reading on `status` is refused as `schema`).
          expect(out.records.length + out.refused.length).toBe(1);
          return;
        }
        expect(out.records).toEqual([]);
        if (topic.startsWith(`${ROOT}/_rejected/`)) return expect(out.refused).toEqual([]);
        expect(out.refused).toHaveLength(1);
        const [r] = out.refused;
        expect(['bad_topic', 'unknown_device']).toContain(r.reason);
        // Where the notice goes: {root}/_rejected/{kind}/{owner}/{device}, no level empty.
        for (const part of [r.where.kind, r.where.owner, r.where.device])
          expect(part.length).toBeGreaterThan(0);
      }),
      {
        numRuns: 300,
        examples: [
          [['truck', 'C01', 'T001', 'status']],
          [['gas', 'P01', 'G001', 'telemetry']],
          [['truck', 'C02', 'T001', 'telemetry']],
          [['truck', '', 'T001', 'telemetry']],
        ],
      },
    );
  });

  it('keeps a batch’s good readings in event time and refuses the bad one by index', () => {
    const out = intake().take(
      'lg/v1/gas/P01/G001/telemetry',
      json([
        { ts: T + 2000, lel: 3 },
        { ts: T, lel: 'high' },
        { ts: T + 1000, lel: 2, battery: 140 },
      ]),
      T + 5000,
    );
    expect(readings(out).map((r) => [r.ts - T, r.q, r.why])).toEqual([
      [1000, 'bad', ['battery_out_of_range']],
      [2000, 'ok', undefined],
    ]);
    expect(out.refused).toMatchObject([{ reason: 'schema', index: 1 }]);
  });

  describe('truck positions (drift and implausible fixes)', () => {
    const fix = (t: number, lat: number, lon = 114.2) => ({ ts: T + t * 1000, lat, lon, speed: 40 });

    it('stores a 500 km jump in 10 s as drift, whatever the starting point and direction', () => {
      fc.assert(
        fc.property(
          fc.double({ min: 22.55, max: 22.85, noNaN: true }),
          fc.double({ min: 114.0, max: 114.45, noNaN: true }),
          fc.constantFrom(-1, 1),
          fc.integer({ min: 1, max: 10 }),
          (lat, lon, dir, seconds) => {
            const i = intake();
            const first = i.take('lg/v1/truck/C01/T001/telemetry', json(fix(0, lat, lon)), T);
            const jump = i.take(
              'lg/v1/truck/C01/T001/telemetry',
              json(fix(seconds, lat + dir * 500_000 * M, lon)),
              T + seconds * 1000,
            );
            expect(readings(first)[0]).toMatchObject({ q: 'ok' });
            expect(readings(first)[0].why).toBeUndefined();
            // Stored, quality tag unchanged (the verdict depends on state), the reason says drift.
            expect(readings(jump)).toMatchObject([{ q: 'ok', why: ['drift'] }]);
            expect(jump.refused).toEqual([]);
          },
        ),
        { numRuns: 100 },
      );
    });

    it('never calls a truck driving at up to 150 km/h drift', () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({ gapSec: fc.integer({ min: 1, max: 120 }), kmh: fc.integer({ min: 0, max: 150 }) }),
            { minLength: 1, maxLength: 50 },
          ),
          fc.constantFrom(-1, 1),
          (legs, dir) => {
            const i = intake();
            let t = 0;
            let lat = 22.6;
            const out = [i.take('lg/v1/truck/C01/T001/telemetry', json(fix(t, lat)), T)];
            for (const leg of legs) {
              t += leg.gapSec;
              lat += (dir * ((leg.kmh / 3.6) * leg.gapSec)) / 111_195;
              out.push(i.take('lg/v1/truck/C01/T001/telemetry', json(fix(t, lat)), T + t * 1000));
            }
            for (const o of out) {
              expect(o.refused).toEqual([]);
              expect(readings(o)[0].why ?? []).not.toContain('drift');
            }
          },
        ),
        { numRuns: 100 },
      );
    });

    it('stores a fix at 0,0 as unqualified, and does not judge the next real fix against it', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 600 }), (gap) => {
          const i = intake();
          i.take('lg/v1/truck/C01/T001/telemetry', json(fix(0, 22.6)), T);
          const zero = i.take('lg/v1/truck/C01/T001/telemetry', json(fix(gap, 0, 0)), T + gap * 1000);
          const next = i.take('lg/v1/truck/C01/T001/telemetry', json(fix(gap + 1, 22.6)), T + gap * 1000);
          expect(readings(zero)).toMatchObject([
            { q: 'bad', why: expect.arrayContaining(['lat_out_of_range', 'lon_out_of_range']) },
          ]);
          expect(readings(next)[0]).toMatchObject({ q: 'ok' });
          expect(readings(next)[0].why).toBeUndefined();
        }),
        { numRuns: 50 },
      );
    });
  });

  describe('per-device rate limit', () => {
    const limit = { ratePerSec: 10, burst: 1000 };
    const batch = (n: number, from: number) =>
      json(Array.from({ length: n }, (_, k) => ({ ts: from + k, lat: 22.7, lon: 114.3, speed: 10 })));

    it('refuses a flooding truck’s messages whole, with the limit and when to retry, and nobody else’s', () => {
      const i = intake(limit);
      expect(readings(i.take('lg/v1/truck/C02/T005/telemetry', batch(1000, T - 600_000), T))).toHaveLength(
        1000,
      );
      const refused = i.take('lg/v1/truck/C02/T005/telemetry', batch(20, T - 1000), T);
      expect(refused).toEqual({
        records: [],
        refused: [
          {
            where: { kind: 'truck', owner: 'C02', device: 'T005', topic: 'lg/v1/truck/C02/T005/telemetry' },
            reason: 'rate_limited',
            message:
              'device T005 is over its rate limit of 10 readings/s (burst 1000): this message is refused; retry in 1 s',
          },
        ],
      });
      expect(i.take('lg/v1/truck/C02/T005/status', json({ online: true }), T).refused).toMatchObject([
        { reason: 'rate_limited' },
      ]);
      // Half a second later 5 tokens are back: too few for a batch of 20, which says how long to wait.
      expect(i.take('lg/v1/truck/C02/T005/telemetry', batch(20, T - 500), T + 500).refused[0].message).toBe(
        'device T005 is over its rate limit of 10 readings/s (burst 1000): this message of 20 readings is refused; retry in 2 s',
      );
      // The other truck of the same company is not affected, and T005 gets through once it slows down.
      expect(readings(i.take('lg/v1/truck/C02/T004/telemetry', batch(1000, T), T))).toHaveLength(1000);
      expect(readings(i.take('lg/v1/truck/C02/T005/telemetry', batch(20, T), T + 2500))).toHaveLength(20);
    });

    it('lets a flooding gas detector’s highest reading through, once a second and whenever the gas rises', () => {
      const i = intake(limit);
      const gas = (lels: number[], ts: number) => json(lels.map((lel, k) => ({ ts: ts + k, lel })));
      i.take('lg/v1/gas/P01/G001/telemetry', gas(Array<number>(1000).fill(1), T - 600_000), T);
      const first = i.take('lg/v1/gas/P01/G001/telemetry', gas([3, 7, 2], T), T);
      expect(readings(first).map((r) => r.f.lel)).toEqual([7]);
      expect(first.refused[0].message).toBe(
        'device G001 is over its rate limit of 10 readings/s (burst 1000): this message of 3 readings is refused, ' +
          'but its highest reading (7 % LEL at 2026-05-01T08:00:00.001Z) is kept so that no gas alarm is lost; retry in 1 s',
      );
      expect(readings(i.take('lg/v1/gas/P01/G001/telemetry', gas([7.5], T + 10), T + 10))).toEqual([]);
      expect(readings(i.take('lg/v1/gas/P01/G001/telemetry', gas([62], T + 20), T + 20))).toMatchObject([
        { f: { lel: 62 }, q: 'ok' },
      ]);
      // A fault or an NE43 current cannot see the gas: nothing of it passes.
      expect(
        i.take('lg/v1/gas/P01/G001/telemetry', json([{ ts: T + 30, lel: 90, ma: 2 }]), T + 30).records,
      ).toEqual([]);
      expect(readings(i.take('lg/v1/gas/P01/G001/telemetry', gas([1], T + 40), T + 2000))).toHaveLength(1);
    });

    it('accounts for every reading: kept, or refused with a reason, never dropped silently', () => {
      const device = fc.constantFrom(
        { topic: 'lg/v1/truck/C01/T001/telemetry', kind: 'truck' as const },
        { topic: 'lg/v1/truck/C02/T005/telemetry', kind: 'truck' as const },
        { topic: 'lg/v1/gas/P01/G001/telemetry', kind: 'gas' as const },
      );
      const reading = (kind: 'truck' | 'gas') =>
        fc.oneof(
          kind === 'truck'
            ? fc.record({
                lat: fc.constant(22.7),
                lon: fc.constant(114.3),
                speed: fc.integer({ min: 0, max: 200 }),
              })
            : fc.record({ lel: fc.double({ min: -10, max: 120, noNaN: true }) }),
          fc.constant({ broken: true }),
        );
      const message = device.chain((d) =>
        fc.record({
          d: fc.constant(d),
          gapMs: fc.integer({ min: 0, max: 3000 }),
          body: fc.oneof(
            reading(d.kind),
            fc.array(reading(d.kind), { minLength: 1, maxLength: 400 }),
            fc.constantFrom('{"ts":', 'null', '[]'),
          ),
        }),
      );
      fc.assert(
        fc.property(fc.array(message, { maxLength: 40 }), (messages) => {
          const i = intake(limit);
          let now = T;
          let ts = T - 86_400_000;
          for (const m of messages) {
            now += m.gapMs;
            const stamp = (r: object) => ({ ...r, ts: ts++ });
            const body =
              typeof m.body === 'string' ? m.body : Array.isArray(m.body) ? m.body.map(stamp) : stamp(m.body);
            const out = i.take(m.d.topic, typeof body === 'string' ? Buffer.from(body) : json(body), now);
            for (const r of out.refused) expect(REJECT_REASONS).toContain(r.reason);
            // Never silent: every message leaves records or a refusal.
            expect(out.records.length + out.refused.length).toBeGreaterThan(0);
            const whole = out.refused.filter((r) => r.index === undefined);
            if (Array.isArray(body) && whole.length === 0) {
              // Taken: each reading of the batch is either kept or refused by its index.
              expect(out.records.length + out.refused.length).toBe(body.length);
            }
            if (whole.some((r) => r.reason === 'rate_limited')) {
              expect(out.records.length).toBeLessThanOrEqual(m.d.kind === 'gas' ? 1 : 0);
            }
          }
        }),
        { numRuns: 60 },
      );
    });
  });

  it('refuses a topic of any length or content as bad_topic, keeping only a bounded head of it', () => {
    const owners = new Set(registry.owners());
    fc.assert(
      fc.property(
        fc.constantFrom('gas/P01/', 'truck/C01/', 'slope/S01/', 'boat/P01/', 'gas/NOBODY/', ''),
        fc.integer({ min: 140, max: 65_535 }),
        fc.constantFrom('x', '/', 'é', '+'),
        (prefix, n, unit) => {
          const topic = `${ROOT}/${prefix}${unit.repeat(n)}/telemetry`;
          const out = intake().take(topic, json({ ts: T, lel: 1 }), T);
          expect(out.records).toEqual([]);
          expect(out.refused).toHaveLength(1);
          const [r] = out.refused;
          expect(r.reason).toBe('bad_topic');
          expect(r.where.topic.length).toBeLessThan(250);
          expect(r.where.device).toBe('_');
          expect(['truck', 'slope', 'gas', '_']).toContain(r.where.kind);
          expect(r.where.owner === '_' || owners.has(r.where.owner)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
    // The owner still reads its notice (under its own ID), without the 60,000 characters.
    const flood = `${ROOT}/gas/P01/${'a'.repeat(60_000)}1/telemetry`;
    expect(intake().take(flood, json({ ts: T, lel: 1 }), T).refused[0]).toMatchObject({
      where: { kind: 'gas', owner: 'P01', device: '_' },
      reason: 'bad_topic',
      message: 'topic is longer than 151 characters',
    });
  });

  it('refuses an owner over its limit before parsing, and leaves the other owners alone', () => {
    const guarded = () =>
      new MessageIntake({ root: ROOT, futureToleranceMs: 60_000 }, registry, {
        limiter: new DeviceRateLimiter(DEFAULT_DEVICE_RATE_LIMIT),
        owners: new OwnerRateLimiter({ unitsPerSec: 10, burst: 1000 }),
      });
    const i = guarded();
    const truck = 'lg/v1/truck/C01/T001/telemetry';
    // 1000 units: a 10 KiB message costs 11, so 90 pass and the 91st is refused, unread (its JSON is broken).
    const big = Buffer.from(`[${' '.repeat(10 * 1024)}`);
    let invalid = 0;
    for (let k = 0; k < 90; k++) if (i.take(truck, big, T).refused[0]?.reason === 'invalid_json') invalid++;
    expect(invalid).toBe(90);
    const over = i.take(truck, big, T).refused;
    expect(over).toMatchObject([{ reason: 'rate_limited', where: { owner: 'C01' } }]);
    expect(over[0].message).toMatch(
      /owner C01 is over its rate limit of 10 units\/s .* refused unread; retry in 1 s/,
    );
    // Another company is not touched, and C01 gets through again once its bucket refilled.
    const t004 = registry.device('T004')!;
    const other = `lg/v1/truck/${t004.owner}/T004/telemetry`;
    expect(readings(i.take(other, json({ ts: T, lat: 22.7, lon: 114.3, speed: 1 }), T))).toHaveLength(1);
    expect(readings(i.take(truck, json({ ts: T, lat: 22.7, lon: 114.3, speed: 1 }), T + 2000))).toHaveLength(
      1,
    );
  });

  it('keeps the highest reading of a small gas message when its owner is over the limit', () => {
    const i = new MessageIntake({ root: ROOT, futureToleranceMs: 60_000 }, registry, {
      limiter: new DeviceRateLimiter(DEFAULT_DEVICE_RATE_LIMIT),
      owners: new OwnerRateLimiter({ unitsPerSec: 1, burst: 1000 }),
    });
    const topic = 'lg/v1/gas/P01/G001/telemetry';
    const filler = Buffer.from(' '.repeat(OWNER_LIMIT_GAS_READ_BYTES + 1));
    while (i.take(topic, filler, T).refused[0]?.reason !== 'rate_limited');
    // A large message is refused unread; a small one with an alarm keeps its highest reading.
    const large = Buffer.from(JSON.stringify([{ ts: T, lel: 70 }]).padEnd(OWNER_LIMIT_GAS_READ_BYTES + 1));
    expect(i.take(topic, large, T)).toMatchObject({ records: [], refused: [{ reason: 'rate_limited' }] });
    const small = i.take(
      topic,
      json([
        { ts: T - 1, lel: 20 },
        { ts: T, lel: 70 },
      ]),
      T,
    );
    expect(readings(small)).toMatchObject([{ device: 'G001', ts: T, f: { lel: 70 } }]);
    expect(small.refused[0].message).toMatch(/highest reading \(70 % LEL\) is kept/);
  });
});
