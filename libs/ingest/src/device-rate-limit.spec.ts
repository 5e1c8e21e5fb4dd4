import fc from 'fast-check';
import { DEFAULT_DEVICE_RATE_LIMIT, DeviceRateLimiter } from './device-rate-limit';

const T = Date.parse('2026-05-01T08:00:00Z');

describe('per-device rate limit (token bucket)', () => {
  it('lets a quiet device send its burst at once, then refuses and says when to retry', () => {
    const limiter = new DeviceRateLimiter({ ratePerSec: 10, burst: 1000 });
    expect(limiter.take('T001', 1000, T)).toEqual({ ok: true });
    expect(limiter.take('T001', 1, T)).toEqual({ ok: false, retryAfterMs: 100 });
    expect(limiter.take('T001', 50, T + 1000)).toEqual({ ok: false, retryAfterMs: 4000 });
    // Refusals take nothing: after 5 s the 50 readings pass.
    expect(limiter.take('T001', 50, T + 5000)).toEqual({ ok: true });
    expect(limiter.available('T001', T + 5000)).toBe(0);
  });

  it('keeps devices apart', () => {
    const limiter = new DeviceRateLimiter({ ratePerSec: 1, burst: 1000 });
    expect(limiter.take('T005', 1000, T).ok).toBe(true);
    expect(limiter.take('T005', 1, T).ok).toBe(false);
    expect(limiter.take('T004', 1000, T).ok).toBe(true);
  });

  it('never refills from a clock that steps back', () => {
    const limiter = new DeviceRateLimiter({ ratePerSec: 100, burst: 1000 });
    expect(limiter.take('T001', 1000, T).ok).toBe(true);
    expect(limiter.available('T001', T - 60_000)).toBe(0);
    // Time before T counts for nothing once the clock is back: 1 s after T gives 100 tokens, not 6,100.
    expect(limiter.available('T001', T + 1000)).toBe(100);
  });

  it('refuses a message larger than the bucket for good', () => {
    const limiter = new DeviceRateLimiter({ ratePerSec: 100, burst: 1000 });
    expect(limiter.take('T001', 1001, T)).toEqual({ ok: false, retryAfterMs: Infinity });
  });

  it('refuses a configuration that could never let a reading through', () => {
    expect(() => new DeviceRateLimiter({ ratePerSec: 0, burst: 1000 })).toThrow(/ratePerSec/);
    expect(() => new DeviceRateLimiter({ ratePerSec: 1, burst: 0 })).toThrow(/burst/);
    expect(() => new DeviceRateLimiter({ ratePerSec: NaN, burst: 10 })).toThrow(/ratePerSec/);
  });

  describe('properties', () => {
    const limit = fc.record({
      ratePerSec: fc.integer({ min: 1, max: 1000 }),
      burst: fc.integer({ min: 1000, max: 50_000 }),
    });
    /** Messages of one device: gap since the previous one (ms, sometimes negative: clock steps) and size. */
    const traffic = fc.array(
      fc.record({ gapMs: fc.integer({ min: -5000, max: 20_000 }), cost: fc.integer({ min: 1, max: 1000 }) }),
      { maxLength: 200 },
    );

    it('never lets more through than the burst plus the rate over any stretch of time', () => {
      fc.assert(
        fc.property(limit, traffic, (l, messages) => {
          const limiter = new DeviceRateLimiter(l);
          let now = T;
          let clock = -Infinity; // the highest time seen: a clock stepping back refills nothing
          const accepted: Array<{ at: number; cost: number }> = [];
          for (const m of messages) {
            now += m.gapMs;
            clock = Math.max(clock, now);
            const d = limiter.take('T001', m.cost, now);
            if (d.ok) accepted.push({ at: clock, cost: m.cost });
            else expect(d.retryAfterMs).toBeGreaterThan(0);
          }
          for (let i = 0; i < accepted.length; i++) {
            let sum = 0;
            for (let j = i; j < accepted.length; j++) {
              sum += accepted[j].cost;
              const seconds = (accepted[j].at - accepted[i].at) / 1000;
              expect(sum).toBeLessThanOrEqual(l.burst + l.ratePerSec * seconds + 1e-6);
            }
          }
        }),
        { numRuns: 100 },
      );
    });

    it('never limits a device that keeps to its rate, whatever its messages look like', () => {
      // Each message's readings were earned at the rate since the previous one (plus what was saved).
      fc.assert(
        fc.property(limit, fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 200 }), (l, costs) => {
          const limiter = new DeviceRateLimiter(l);
          let now = T;
          for (const cost of costs) {
            now += Math.ceil((cost / l.ratePerSec) * 1000);
            expect(limiter.take('T001', cost, now)).toEqual({ ok: true });
          }
        }),
        { numRuns: 100 },
      );
    });

    it('lets through what it said it would, once the device waited as long as it was told', () => {
      fc.assert(
        fc.property(limit, traffic, fc.integer({ min: 1, max: 1000 }), (l, messages, cost) => {
          const limiter = new DeviceRateLimiter(l);
          let now = T;
          for (const m of messages) limiter.take('T001', m.cost, (now = Math.max(now, now + m.gapMs)));
          const d = limiter.take('T001', cost, now);
          if (!d.ok) expect(limiter.take('T001', cost, now + d.retryAfterMs)).toEqual({ ok: true });
        }),
        {
          numRuns: 300,
          // Found by this property: a wait rounded in floating point fell a hair short of the tokens needed.
          examples: [
            [
              { ratePerSec: 5, burst: 1000 },
              [
                { gapMs: 0, cost: 229 },
                { gapMs: 6425, cost: 217 },
                { gapMs: 12379, cost: 576 },
                { gapMs: 3484, cost: 1 },
              ],
              718,
            ],
          ],
        },
      );
    });

    it('with the defaults, never limits trucks at 1 Hz nor a backlog of full batches after an outage', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 3600 }), // seconds of live 1 Hz reports
          fc.integer({ min: 1, max: DEFAULT_DEVICE_RATE_LIMIT.burst / 1000 }), // full backlog batches at once
          fc.integer({ min: 0, max: 3600 }), // live again afterwards
          (before, batches, after) => {
            const limiter = new DeviceRateLimiter(DEFAULT_DEVICE_RATE_LIMIT);
            let now = T;
            let refused = 0;
            const send = (cost: number) => {
              if (!limiter.take('T001', cost, now).ok) refused++;
            };
            for (let s = 0; s < before; s++, now += 1000) send(1);
            // The backlog comes once the outage is over: it lasted as long as the backlog covers.
            now += batches * 1000 * 1000;
            for (let b = 0; b < batches; b++) send(1000);
            for (let s = 0; s < after; s++) {
              now += 1000;
              send(1);
            }
            expect(refused).toBe(0);
          },
        ),
        { numRuns: 30 },
      );
    });
  });
});
