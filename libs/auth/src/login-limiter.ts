/**
 * Decides whether a login attempt may have its password checked. Three sliding windows of failures:
 *
 * - per user name and source address (`perUserAddress`): guessing one user's password from one place;
 * - per source address (`perAddress`), whatever the user name: one place trying many users;
 * - per user name (`perUser`), from every address: many places guessing one user. Addresses this user
 *   logged in from before (within `knownForMs`) are exempt, so that even a distributed attack does not
 *   lock the user out from where they usually work.
 *
 * An attempt is counted as a failure when it is let through, before its password is checked, and the count
 * is taken back when the password proves right: any number of parallel attempts cannot pass more than the
 * limit between them. Attempts that are refused are not counted anywhere, so that one source cannot push
 * the per-user window by being refused: it passes at most `perUserAddress` attempts per user and window,
 * which is why `perUser` must be larger (checked) — one source alone can never lock a user out of another.
 *
 * In memory, per gateway process; every map is bounded so that a flood of names or addresses cannot
 * exhaust it (the least recently used keys are dropped first).
 */
export interface LoginLimits {
  /** Failures per user name and address within the window. */
  perUserAddress: number;
  /** Failures per address, whatever the user name. */
  perAddress: number;
  /** Failures per user name from every address but the user's known ones. */
  perUser: number;
  windowMs: number;
  /** How long an address a user logged in from stays exempt from that user's `perUser` limit, ms. */
  knownForMs?: number;
  /** Keys kept at most per map. */
  maxKeys?: number;
}

/** Which window refused an attempt. */
export type LimitScope = 'user-address' | 'address' | 'user';

export type LoginDecision =
  { allowed: true; attempt: LoginAttempt } | { allowed: false; scope: LimitScope; retryAfterMs: number };

/** An attempt let through; hand it back with `succeeded` or `cancelled`, or keep it counted as failed. */
export interface LoginAttempt {
  readonly user: string;
  readonly address: string;
  readonly at: number;
  /** Counted against the user from every address too (it came from an address new to the user). */
  readonly againstUser: boolean;
}

const DEFAULT_KNOWN_FOR_MS = 30 * 86_400_000;

/** Timestamps per key in one sliding window, bounded in keys. */
class Window {
  private readonly times = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  private recent(key: string, nowMs: number): number[] {
    const list = this.times.get(key);
    if (!list) return [];
    const kept = list.filter((t) => t > nowMs - this.windowMs);
    if (kept.length === 0) this.times.delete(key);
    else if (kept.length !== list.length) this.times.set(key, kept);
    return kept;
  }

  /** Ms until the key may pass again, or 0 when it may now. */
  wait(key: string, nowMs: number): number {
    const recent = this.recent(key, nowMs);
    if (recent.length < this.limit) return 0;
    const oldestThatCounts = recent[recent.length - this.limit];
    return Math.max(1, oldestThatCounts + this.windowMs - nowMs);
  }

  add(key: string, at: number): void {
    const recent = this.recent(key, at);
    recent.push(at);
    // Re-inserted so that Map order is least recently failed first; only the last `limit` matter.
    this.times.delete(key);
    this.times.set(key, recent.slice(-this.limit));
    if (this.times.size > this.maxKeys) this.evict(at);
  }

  /** Takes one timestamp back (a checked attempt that succeeded, or one never checked). */
  remove(key: string, at: number): void {
    const list = this.times.get(key);
    if (!list) return;
    const i = list.lastIndexOf(at);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.times.delete(key);
  }

  clear(key: string): void {
    this.times.delete(key);
  }

  get size(): number {
    return this.times.size;
  }

  private evict(nowMs: number): void {
    for (const key of [...this.times.keys()]) this.recent(key, nowMs);
    for (const key of this.times.keys()) {
      if (this.times.size <= this.maxKeys) break;
      this.times.delete(key);
    }
  }
}

export class LoginLimiter {
  private readonly userAddress: Window;
  private readonly address: Window;
  private readonly user: Window;
  /** `user \0 address` → last successful login, ms; Map order is least recent first. */
  private readonly known = new Map<string, number>();
  private readonly knownForMs: number;
  private readonly maxKeys: number;

  constructor(limits: LoginLimits) {
    const problem = loginLimitsProblem(limits);
    if (problem) throw new RangeError(problem);
    this.maxKeys = limits.maxKeys ?? 100_000;
    this.knownForMs = limits.knownForMs ?? DEFAULT_KNOWN_FOR_MS;
    this.userAddress = new Window(limits.perUserAddress, limits.windowMs, this.maxKeys);
    this.address = new Window(limits.perAddress, limits.windowMs, this.maxKeys);
    this.user = new Window(limits.perUser, limits.windowMs, this.maxKeys);
  }

  /** Counts the attempt (as failed until told otherwise) if every window lets it through. */
  begin(username: string, address: string, nowMs: number): LoginDecision {
    const user = username.toLowerCase();
    const pair = pairKey(user, address);
    const byPair = this.userAddress.wait(pair, nowMs);
    if (byPair > 0) return { allowed: false, scope: 'user-address', retryAfterMs: byPair };
    const byAddress = this.address.wait(address, nowMs);
    if (byAddress > 0) return { allowed: false, scope: 'address', retryAfterMs: byAddress };
    const knownAt = this.known.get(pair);
    const isKnown = knownAt !== undefined && knownAt > nowMs - this.knownForMs;
    const byUser = isKnown ? 0 : this.user.wait(user, nowMs);
    if (byUser > 0) return { allowed: false, scope: 'user', retryAfterMs: byUser };
    this.userAddress.add(pair, nowMs);
    this.address.add(address, nowMs);
    // A known address's failures do not count against the user from elsewhere either.
    if (!isKnown) this.user.add(user, nowMs);
    return { allowed: true, attempt: { user, address, at: nowMs, againstUser: !isKnown } };
  }

  /** The password was right: the attempt was no failure, and this user's failures from here are forgiven. */
  succeeded(attempt: LoginAttempt): void {
    const pair = pairKey(attempt.user, attempt.address);
    this.userAddress.clear(pair);
    this.address.remove(attempt.address, attempt.at);
    if (attempt.againstUser) this.user.remove(attempt.user, attempt.at);
    this.known.delete(pair);
    this.known.set(pair, attempt.at);
    if (this.known.size > this.maxKeys) {
      for (const key of this.known.keys()) {
        if (this.known.size <= this.maxKeys) break;
        this.known.delete(key);
      }
    }
  }

  /** The password was never checked (the gateway was too busy): the attempt does not count. */
  cancelled(attempt: LoginAttempt): void {
    this.userAddress.remove(pairKey(attempt.user, attempt.address), attempt.at);
    this.address.remove(attempt.address, attempt.at);
    if (attempt.againstUser) this.user.remove(attempt.user, attempt.at);
  }

  /** Keys held, for tests and metrics. */
  get size(): { userAddress: number; address: number; user: number; known: number } {
    return {
      userAddress: this.userAddress.size,
      address: this.address.size,
      user: this.user.size,
      known: this.known.size,
    };
  }
}

function pairKey(user: string, address: string): string {
  return `${user}\u0000${address}`;
}

/** Why these limits cannot protect users, or null. */
export function loginLimitsProblem(l: LoginLimits): string | null {
  for (const [name, value] of [
    ['perUserAddress', l.perUserAddress],
    ['perAddress', l.perAddress],
    ['perUser', l.perUser],
    ['windowMs', l.windowMs],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) return `${name} must be a whole number of at least 1`;
  }
  if (l.perAddress < l.perUserAddress)
    return 'the per-address limit must be at least the per-user-and-address limit';
  if (l.perUser <= l.perUserAddress)
    return 'the per-user limit must be larger than the per-user-and-address limit, or one address could lock a user out everywhere';
  return null;
}

/**
 * The source a login is counted against: an IPv4 address as such (also when Node shows it IPv4-mapped,
 * `::ffff:10.0.0.1`), an IPv6 address by its /64, since one subscriber usually holds a whole /64 and could
 * otherwise step through addresses to escape the limits.
 */
export function loginSource(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1];
  if (!address.includes(':')) return address;
  const [head, tail] = address.split('::', 2);
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = address.includes('::') ? 8 - left.length - right.length : 0;
  const groups = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (g === '' ? '0' : g.toLowerCase().replace(/^0+(?=.)/, '')))
    .join(':')}::/64`;
}
