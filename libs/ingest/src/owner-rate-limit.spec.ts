import fc from 'fast-check';
import { ownerCost, OwnerRateLimiter } from './owner-rate-limit';

describe('owner rate limiter', () => {
  it('charges one unit a message and one a full KiB', () => {
    expect(ownerCost(0)).toBe(1);
    expect(ownerCost(1023)).toBe(1);
    expect(ownerCost(1024)).toBe(2);
    expect(ownerCost(256 * 1024)).toBe(257);
  });

  it('never lets an owner take more than its burst plus its rate over any stretch of time', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 1_048_576 })), {
          maxLength: 300,
        }),
        (steps) => {
          const limiter = new OwnerRateLimiter({ unitsPerSec: 100, burst: 2000 });
          let now = 0;
          let taken = 0;
          for (const [dt, bytes] of steps) {
            now += dt;
            const wait = limiter.take('C01', bytes, now);
            if (wait === 0) taken += ownerCost(bytes);
            else if (ownerCost(bytes) > 2000) expect(wait).toBe(Infinity);
            else expect(wait).toBeGreaterThan(0);
            expect(taken).toBeLessThanOrEqual(2000 + (now * 100) / 1000 + 1e-6);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('keeps each owner to its own bucket, and says how long to wait', () => {
    const limiter = new OwnerRateLimiter({ unitsPerSec: 10, burst: 20 });
    for (let i = 0; i < 20; i++) expect(limiter.take('C01', 100, 0)).toBe(0);
    expect(limiter.take('C01', 100, 0)).toBe(100);
    expect(limiter.take('C02', 100, 0)).toBe(0);
    // The promised wait is enough, and not a millisecond more is needed.
    expect(limiter.take('C01', 100, 99)).toBeGreaterThan(0);
    expect(limiter.take('C01', 100, 100)).toBe(0);
    expect(limiter.take('C01', 64 * 1024, 100_000)).toBe(Infinity);
  });
});
