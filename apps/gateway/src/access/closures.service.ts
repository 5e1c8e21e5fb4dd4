import { randomBytes } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '@lg/auth';
import { circlePolygon, CLOSURE_LIMITS, isoPeriod, type Closure, type LonLat } from '@lg/contracts';
import type { ClosureBody } from '../contract/closures.queries';
import { GatewayRedis } from '../infra/redis';
import { requireOperator } from './operators';

/** What a company sees of a closure: where, why and when, not who drew it. */
export type ClosureView = Omit<Closure, 'createdBy' | 'liftedBy'> & { createdBy?: string; liftedBy?: string };

const toMs = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t));

const inForceOrToCome = (c: Closure, now: number): boolean =>
  c.liftedAt === undefined && Date.parse(c.to) > now;

/**
 * Temporary closures as each user may see and change them: operators draw and lift them; every signed-in
 * user sees those in force, a company without who drew or lifted them. A change is saved, counted in the
 * version and announced in one transaction, so that the workers reload it from the next fix.
 */
@Injectable()
export class ClosuresService {
  constructor(private readonly redis: GatewayRedis) {}

  async list(principal: Principal): Promise<ClosureView[]> {
    const now = Date.now();
    const all = await this.all();
    const current = all.filter((c) => inForceOrToCome(c, now));
    if (principal.role !== 'operator') return current.map(({ createdBy: _c, liftedBy: _l, ...rest }) => rest);
    const ended = all.filter((c) => !current.includes(c)).slice(0, 100);
    return [...current, ...ended];
  }

  async create(principal: Principal, body: ClosureBody): Promise<Closure> {
    requireOperator(principal, 'closures are drawn by operators only');
    const now = Date.now();
    const from = body.from !== undefined ? toMs(body.from) : now;
    const to = toMs(body.to);
    if (!(to > from)) throw new BadRequestException('to: must be after from');
    if (to <= now) throw new BadRequestException('to: must be in the future');
    if (to - from > CLOSURE_LIMITS.maxWindowMs)
      throw new BadRequestException('to: at most 30 days after from');
    let polygon: LonLat[];
    let circle: Closure['circle'];
    if (body.polygon) {
      polygon = [...body.polygon];
      const [first, last] = [polygon[0], polygon[polygon.length - 1]];
      if (first[0] !== last[0] || first[1] !== last[1]) polygon.push(first);
    } else {
      const c = body.circle ?? (await this.aroundAlert(body.alert!.id, body.alert!.radiusM));
      circle = c;
      polygon = circlePolygon(c.lat, c.lon, c.radiusM);
    }
    const pending = (await this.all()).filter((c) => inForceOrToCome(c, now));
    if (pending.length >= CLOSURE_LIMITS.maxActive)
      throw new ConflictException(`${CLOSURE_LIMITS.maxActive} closures are already in force or to come`);
    const closure: Closure = {
      id: `CL-${now.toString(36)}-${randomBytes(3).toString('hex')}`,
      reason: body.reason,
      polygon,
      ...(circle ? { circle } : {}),
      severity: body.severity,
      ...isoPeriod(from, to),
      createdBy: principal.username,
      createdAt: new Date(now).toISOString(),
    };
    await this.save(closure);
    return closure;
  }

  async lift(principal: Principal, id: string): Promise<Closure> {
    requireOperator(principal, 'closures are lifted by operators only');
    const json = await this.redis.commands.hget(this.redis.names.closures, id);
    if (!json) throw new NotFoundException(`closure ${id} not found`);
    const closure = JSON.parse(json) as Closure;
    const now = Date.now();
    if (!inForceOrToCome(closure, now))
      throw new ConflictException(`closure ${id} is already ${closure.liftedAt ? 'lifted' : 'over'}`);
    const lifted: Closure = {
      ...closure,
      liftedBy: principal.username,
      liftedAt: new Date(now).toISOString(),
    };
    await this.save(lifted);
    return lifted;
  }

  /** Every closure kept, newest first. */
  private async all(): Promise<Closure[]> {
    const raw = await this.redis.commands.hgetall(this.redis.names.closures);
    return Object.values(raw)
      .map((json) => JSON.parse(json) as Closure)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private async save(c: Closure): Promise<void> {
    const n = this.redis.names;
    await this.redis.commands
      .multi()
      .hset(n.closures, c.id, JSON.stringify(c))
      .incr(n.closuresVersion)
      .publish(n.closuresChannel, c.id)
      .exec();
  }

  private async aroundAlert(id: string, radiusM: number): Promise<NonNullable<Closure['circle']>> {
    const alert = await this.redis.alerts.get(id);
    if (!alert) throw new NotFoundException(`alert ${id} not found`);
    if (!alert.location) throw new BadRequestException(`alert.id: alert ${id} has no location`);
    return { lat: alert.location.lat, lon: alert.location.lon, radiusM, alert: id };
  }
}
