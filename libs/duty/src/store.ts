import type Redis from 'ioredis';
import type { DutyCheckView } from '@lg/contracts';
import {
  addToTally,
  emptyTally,
  statusOf,
  viewOf,
  type DutyAnswerRecord,
  type DutyCheckRecord,
  type DutyTally,
} from './checks';

/** Checks are kept this long (a scorecard looks back at most a year). */
export const DUTY_RETENTION_MS = 400 * 86_400_000;

/** Redis keys and channel of the duty checks. */
export function dutyKeys(prefix: string) {
  return {
    checks: `${prefix}:duty:checks`,
    answers: `${prefix}:duty:answers`,
    index: (company: string) => `${prefix}:duty:index:${company}`,
    channel: `${prefix}:duty:live`,
  };
}

/**
 * Duty checks in Redis: each check once (hash by ID, JSON), its answer apart (HSETNX: the first answer
 * is the one kept, whoever sends it), and a time index per company. What a company can add is bounded by
 * the schedule and by the operators' asking (see the gateway); checks older than the retention go.
 */
export class DutyCheckStore {
  private readonly keys: ReturnType<typeof dutyKeys>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = dutyKeys(prefix);
  }

  async create(check: DutyCheckRecord): Promise<void> {
    const index = this.keys.index(check.company);
    const old = await this.redis.zrangebyscore(index, '-inf', `(${check.askedAt - DUTY_RETENTION_MS}`);
    const multi = this.redis.multi().hset(this.keys.checks, check.id, JSON.stringify(check));
    multi.zadd(index, check.askedAt, check.id);
    if (old.length > 0) {
      multi.zrem(index, ...old);
      multi.hdel(this.keys.checks, ...old);
      multi.hdel(this.keys.answers, ...old);
    }
    await multi.exec();
  }

  async get(id: string): Promise<{ check: DutyCheckRecord; answer?: DutyAnswerRecord } | undefined> {
    const [check, answer] = await this.redis
      .multi()
      .hget(this.keys.checks, id)
      .hget(this.keys.answers, id)
      .exec()
      .then((r) => (r ?? []).map(([, v]) => v as string | null));
    if (!check) return undefined;
    return {
      check: JSON.parse(check) as DutyCheckRecord,
      ...(answer ? { answer: JSON.parse(answer) as DutyAnswerRecord } : {}),
    };
  }

  /** Keeps the answer if it is the first; returns the one kept (ours or an earlier one). */
  async answer(id: string, answer: DutyAnswerRecord): Promise<{ first: boolean; answer: DutyAnswerRecord }> {
    const set = await this.redis.hsetnx(this.keys.answers, id, JSON.stringify(answer));
    if (set === 1) return { first: true, answer };
    const kept = await this.redis.hget(this.keys.answers, id);
    return { first: false, answer: kept ? (JSON.parse(kept) as DutyAnswerRecord) : answer };
  }

  /** A company's checks asked in [from, to), newest first, at most `limit`. */
  async list(
    company: string,
    from: number,
    to: number,
    limit: number,
    now: number,
  ): Promise<DutyCheckView[]> {
    const ids = await this.redis.zrevrangebyscore(
      this.keys.index(company),
      `(${to}`,
      from,
      'LIMIT',
      0,
      limit,
    );
    return (await this.load(ids)).map(({ check, answer }) => viewOf(check, answer, now));
  }

  /** How many checks the company was asked in [from, to). */
  count(company: string, from: number, to: number): Promise<number> {
    return this.redis.zcount(this.keys.index(company), from, `(${to}`);
  }

  /** Each company's tally of the checks asked in [from, to), as they stand at `now`. */
  async tallies(
    companies: readonly string[],
    from: number,
    to: number,
    now: number,
  ): Promise<Map<string, DutyTally>> {
    const out = new Map<string, DutyTally>();
    for (const company of companies) {
      const ids = await this.redis.zrangebyscore(this.keys.index(company), from, `(${to}`);
      const t = emptyTally();
      for (const { check, answer } of await this.load(ids)) addToTally(t, statusOf(check, answer, now));
      out.set(company, t);
    }
    return out;
  }

  /** Announces a check's new state to the gateways (`/live` `duty-check`). */
  async announce(view: DutyCheckView): Promise<void> {
    await this.redis.publish(this.keys.channel, JSON.stringify(view));
  }

  get channel(): string {
    return this.keys.channel;
  }

  private async load(ids: string[]): Promise<Array<{ check: DutyCheckRecord; answer?: DutyAnswerRecord }>> {
    if (ids.length === 0) return [];
    const [checks, answers] = await Promise.all([
      this.redis.hmget(this.keys.checks, ...ids),
      this.redis.hmget(this.keys.answers, ...ids),
    ]);
    const out: Array<{ check: DutyCheckRecord; answer?: DutyAnswerRecord }> = [];
    ids.forEach((_, i) => {
      const c = checks[i];
      if (!c) return;
      const a = answers[i];
      out.push({
        check: JSON.parse(c) as DutyCheckRecord,
        ...(a ? { answer: JSON.parse(a) as DutyAnswerRecord } : {}),
      });
    });
    return out;
  }
}
