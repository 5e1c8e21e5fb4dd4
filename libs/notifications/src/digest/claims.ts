import type Redis from 'ioredis';
import type { Names } from '@lg/contracts';

/** How long a sent digest's mark is kept, s: well past any retry or catch-up of its day. */
export const DIGEST_DONE_TTL_SEC = 40 * 24 * 3600;

/** What a claim attempt found: it is ours now, the day was sent already, or another holder is at it. */
export type ClaimOutcome = 'claimed' | 'done' | 'busy';

/** The meaning of a stored claim value (null: nobody holds it). Pure. */
export function claimOutcome(setOk: boolean, stored: string | null): ClaimOutcome {
  if (setOk) return 'claimed';
  if (stored === 'done') return 'done';
  // Gone between our SET and GET (the holder's claim expired): the next try takes it.
  return 'busy';
}

// Marks it done only while the claim is the caller's own (or has lapsed): a holder whose claim expired and
// was taken over does not mark the new holder's work.
const COMPLETE = `
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], 'done', 'EX', ARGV[2])
  return 1
end
if v == 'done' then return 1 end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The claim on one scope's digest of one day, so that it goes out once however many workers run the
 * schedule: `SET NX` with a TTL (a holder that dies lets go by itself, and the retry of the day's job
 * takes it), `done` once its deliveries are queued. The deliveries themselves have IDs derived from the
 * scope, day and person, so even a holder that lost its claim while queueing queues nothing twice.
 */
export class DigestClaims {
  constructor(
    private readonly redis: Redis,
    private readonly n: Names,
    private readonly ttlMs = 120_000,
  ) {}

  async claim(scope: string, date: string, holder: string): Promise<ClaimOutcome> {
    const key = this.n.digestClaim(scope, date);
    const ok = (await this.redis.set(key, holder, 'PX', this.ttlMs, 'NX')) === 'OK';
    return claimOutcome(ok, ok ? null : await this.redis.get(key));
  }

  /** Marks the day sent for this scope; false when another holder has taken the claim over meanwhile. */
  async complete(scope: string, date: string, holder: string): Promise<boolean> {
    const r = await this.redis.eval(
      COMPLETE,
      1,
      this.n.digestClaim(scope, date),
      holder,
      DIGEST_DONE_TTL_SEC,
    );
    return r === 1;
  }

  /** Lets go after a failure, so that the retry need not wait for the TTL. */
  async release(scope: string, date: string, holder: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.n.digestClaim(scope, date), holder);
  }

  async isDone(scope: string, date: string): Promise<boolean> {
    return (await this.redis.get(this.n.digestClaim(scope, date))) === 'done';
  }
}
