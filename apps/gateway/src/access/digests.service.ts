import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import type { NotificationDelivery } from '@lg/contracts';
import type { Principal } from '@lg/auth';
import {
  addDays,
  DeliveryStore,
  DigestJobs,
  DigestReader,
  isDate,
  localDate,
  localDay,
  resolveScope,
  scopeNames,
  type Digest,
  type DigestScope,
  type ResolvedScope,
} from '@lg/notifications';
import { Registry } from '@lg/registry';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { MAX_DIGEST_DAYS_BACK } from '../contract/digests.queries';
import { GatewayRedis } from '../infra/redis';

export type DigestView = Digest & { deliveries: NotificationDelivery[] };

/**
 * Daily digests as each user may see them: a company user its own company's, an operator any company's or
 * street's. Built from the alerts in Redis on each request (bounded as the alarm load is); an operator's
 * send queues a job the worker sends through the notification channels.
 */
@Injectable()
export class DigestsService implements OnApplicationShutdown {
  private readonly reader: DigestReader;
  private readonly deliveries: DeliveryStore;
  private queue: Queue | undefined;

  constructor(
    private readonly redis: GatewayRedis,
    private readonly registry: Registry,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.reader = new DigestReader(redis.alerts);
    this.deliveries = new DeliveryStore(redis.commands, redis.names);
  }

  /** The scopes this user may read: its own company, or (operators) every company and street. */
  scopes(p: Principal): DigestScope[] {
    const all = scopeNames(this.registry);
    return p.role === 'company' ? all.filter((s) => s.kind === 'company' && s.id === p.company) : all;
  }

  async get(p: Principal, scopeId: string, date: string | undefined): Promise<DigestView> {
    const scope = this.scopeFor(p, scopeId);
    const now = Date.now();
    const day = localDay(this.dateFor(date, now), this.config.DIGEST_TIMEZONE);
    const [digest, deliveries] = await Promise.all([
      this.reader.build(scope, day, now),
      this.deliveries.forDigest(scope.scope.id, day.date),
    ]);
    return { ...digest, deliveries };
  }

  async send(
    p: Principal,
    scopeId: string,
    date: string | undefined,
  ): Promise<{ scope: string; date: string; run: string }> {
    if (p.role !== 'operator') throw new ForbiddenException('sending a digest is for operators only');
    const scope = this.scopeFor(p, scopeId);
    const day = this.dateFor(date, Date.now());
    const run = `op-${randomBytes(6).toString('hex')}`;
    this.queue ??= new Queue(this.redis.names.digestQueue, {
      connection: this.redis.openBlocking('digest-queue'),
      prefix: this.redis.names.bullPrefix,
    });
    await DigestJobs.queueSend(this.queue, scope.scope.id, day, run);
    return { scope: scope.scope.id, date: day, run };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
  }

  private scopeFor(p: Principal, id: string): ResolvedScope {
    if (p.role === 'company' && id !== p.company)
      throw new ForbiddenException(`a company user sees only its own company's digest (${p.company})`);
    const scope = resolveScope(this.registry, id);
    if (!scope) throw new NotFoundException(`no company or street ${id}`);
    return scope;
  }

  /** The asked day, default yesterday; from MAX_DIGEST_DAYS_BACK days ago up to today (so far). */
  private dateFor(date: string | undefined, now: number): string {
    const today = localDate(now, this.config.DIGEST_TIMEZONE);
    if (date === undefined) return addDays(today, -1);
    if (!isDate(date)) throw new BadRequestException(`date: ${date} is not a calendar date`);
    const first = addDays(today, -MAX_DIGEST_DAYS_BACK);
    if (date < first || date > today)
      throw new BadRequestException(
        `date: must be from ${first} to ${today} (${this.config.DIGEST_TIMEZONE}); older alerts have left the live store`,
      );
    return date;
  }
}
