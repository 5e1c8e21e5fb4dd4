import {
  BadRequestException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  NotFoundException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import type { DutyAnswerResult, DutyCheckView, DutyTallyView } from '@lg/contracts';
import type { Principal } from '@lg/auth';
import {
  DUTY_QUEUE,
  DutyCheckStore,
  DutySettingsError,
  DutySettingsStore,
  newDutyCheckId,
  queueDutyCheck,
  responseRate,
  takeAnswer,
  type DutySettings,
} from '@lg/duty';
import { Registry } from '@lg/registry';
import { GatewayRedis } from '../infra/redis';
import { requireOperator } from './operators';

/** Refused to everyone but the command centre's operators. */
const SETTINGS_FOR_OPERATORS = 'the duty-check settings are for operators only';

/** Checks an operator may ask one company in 24 h: enough for any inspection, bounded all the same. */
export const MAX_ASKED_PER_DAY = 50;

export interface DutyCheckList {
  checks: DutyCheckView[];
}

export type { DutyTallyView } from '@lg/contracts';

/**
 * Duty checks as each user may see them: a company its own (and it answers them), an operator every
 * company's (and asks them). Questions go out through ingest's broker connection: asking queues a job.
 */
@Injectable()
export class DutyChecksService implements OnApplicationShutdown {
  readonly store: DutyCheckStore;
  private readonly settingsStore: DutySettingsStore;
  private queue: Queue | undefined;

  constructor(
    private readonly redis: GatewayRedis,
    private readonly registry: Registry,
  ) {
    this.store = new DutyCheckStore(redis.commands, redis.names.prefix);
    this.settingsStore = new DutySettingsStore(redis.commands, redis.names.prefix);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
  }

  async list(
    p: Principal,
    q: { from: number; to: number; company?: string; limit: number },
  ): Promise<DutyCheckList> {
    const companies = this.companiesFor(p, q.company);
    const now = Date.now();
    const lists = await Promise.all(companies.map((c) => this.store.list(c, q.from, q.to, q.limit, now)));
    const checks = lists.flat().sort((a, b) => Date.parse(b.askedAt) - Date.parse(a.askedAt));
    return { checks: checks.slice(0, q.limit) };
  }

  async tallies(p: Principal, q: { from: number; to: number; company?: string }): Promise<DutyTallyView[]> {
    const companies = this.companiesFor(p, q.company);
    const tallies = await this.store.tallies(companies, q.from, q.to, Date.now());
    return companies.map((company) => {
      const t = tallies.get(company)!;
      return { company, ...t, rate: responseRate(t) ?? null };
    });
  }

  async ask(
    p: Principal,
    body: { company: string; deadlineSec?: number },
  ): Promise<{ id: string; company: string }> {
    requireOperator(p, 'duty checks are asked by operators only');
    if (!this.registry.company(body.company)) throw new NotFoundException(`no company ${body.company}`);
    const now = Date.now();
    if ((await this.store.count(body.company, now - 86_400_000, now + 1)) >= MAX_ASKED_PER_DAY)
      throw new HttpException(
        `company ${body.company} was asked ${MAX_ASKED_PER_DAY} duty checks in the last 24 h`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    const id = newDutyCheckId();
    await queueDutyCheck(this.ensureQueue(), {
      id,
      company: body.company,
      askedBy: p.username,
      ...(body.deadlineSec !== undefined ? { deadlineSec: body.deadlineSec } : {}),
    });
    return { id, company: body.company };
  }

  async answer(p: Principal, id: string, code: string): Promise<DutyAnswerResult> {
    if (p.role !== 'company') throw new ForbiddenException('duty checks are answered by the company asked');
    const result = await takeAnswer(
      this.store,
      p.company,
      id,
      { code, by: p.username },
      'dashboard',
      Date.now(),
    );
    if (!result.ok && result.message.startsWith('no duty check')) throw new NotFoundException(result.message);
    if (!result.ok) throw new BadRequestException(result.message);
    const { view, first: _first, ...outcome } = result;
    if (view) await this.store.announce(view);
    return outcome;
  }

  async settings(p: Principal): Promise<DutySettings> {
    requireOperator(p, SETTINGS_FOR_OPERATORS);
    return this.settingsStore.get();
  }

  async putSettings(p: Principal, body: unknown): Promise<DutySettings> {
    requireOperator(p, SETTINGS_FOR_OPERATORS);
    try {
      return await this.settingsStore.put(body);
    } catch (err) {
      if (err instanceof DutySettingsError) throw new BadRequestException(err.message);
      throw err;
    }
  }

  private companiesFor(p: Principal, company: string | undefined): string[] {
    if (p.role === 'company') {
      if (company !== undefined && company !== p.company)
        throw new ForbiddenException(`company: a company user sees only its own company (${p.company})`);
      return [p.company];
    }
    const all = this.registry.allCompanies().map((c) => c.id);
    if (company === undefined) return all;
    if (!all.includes(company)) throw new NotFoundException(`no company ${company}`);
    return [company];
  }

  private ensureQueue(): Queue {
    this.queue ??= new Queue(DUTY_QUEUE, {
      connection: this.redis.openBlocking('duty-queue'),
      prefix: this.redis.names.bullPrefix,
    });
    return this.queue;
  }
}
