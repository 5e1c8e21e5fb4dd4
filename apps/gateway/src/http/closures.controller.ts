import { randomBytes } from 'node:crypto';
import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { z } from '../contract/openapi-zod';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { circlePolygon, CLOSURE_LIMITS, SEVERITIES, type Closure, type LonLat } from '@lg/contracts';
import { GatewayRedis } from '../infra/redis';
import { alertIdSchema } from '../contract/queries';
import { ApiGroup, ApiRoute } from './api-route';
import { described } from '../contract/responses';
import { ParamPipe, ZodPipe } from './zod.pipe';

const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);
/** Epoch ms, or ISO-8601 with a zone. */
const time = z.union([
  z.number().int().min(946_684_800_000).max(9_999_999_999_999),
  z
    .string()
    .max(40)
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/, 'must be ISO-8601 with a zone'),
]);
const toMs = (t: number | string): number => (typeof t === 'number' ? t : Date.parse(t));

const closureBody = z
  .object({
    reason: z.string().trim().min(1, 'is required').max(CLOSURE_LIMITS.maxReason),
    polygon: z
      .array(z.tuple([lon, lat]))
      .min(3, 'needs at least 3 corners')
      .max(CLOSURE_LIMITS.maxPoints)
      .optional(),
    circle: z
      .object({ lat, lon, radiusM: z.number().positive().max(CLOSURE_LIMITS.maxRadiusM) })
      .strict()
      .optional(),
    alert: z
      .object({ id: alertIdSchema, radiusM: z.number().positive().max(CLOSURE_LIMITS.maxRadiusM) })
      .strict()
      .optional(),
    from: time.optional(),
    to: time,
    severity: z.enum(SEVERITIES).default('red'),
  })
  .strict()
  .refine((b) => [b.polygon, b.circle, b.alert].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of polygon, circle or alert',
  });

const closureSchema = described('Closure', 'A temporary closure (docs/contract.md, "Temporary closures")');

const closureId = z.string().regex(/^CL-[a-z0-9-]{1,40}$/, 'is not a closure ID');

/** What a company sees of a closure: where, why and when, not who drew it. */
export type ClosureView = Omit<Closure, 'createdBy' | 'liftedBy'> & { createdBy?: string; liftedBy?: string };

/**
 * Temporary closures: an operator closes an area (a drawn polygon, or a radius around a point or an
 * alert) to hazmat trucks for a time window with a reason; `truck.restricted_zone` enforces it from the
 * next fix (workers reload on the announcement). Kept with who created and who lifted it.
 */
@UseGuards(AuthGuard)
@ApiGroup({ tag: 'closures' })
@Controller('api/closures')
export class ClosuresController {
  constructor(private readonly redis: GatewayRedis) {}

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

  @Get()
  @ApiRoute({
    summary: 'Closures in force or to come (operators also the last 100 lifted or over), newest first',
    description:
      'Every signed-in user sees the closures in force; a company without who drew or lifted them.',
    ok: z.array(closureSchema),
  })
  async list(@CurrentUser() user: Principal): Promise<ClosureView[]> {
    const now = Date.now();
    const all = await this.all();
    const current = all.filter((c) => c.liftedAt === undefined && Date.parse(c.to) > now);
    if (user.role !== 'operator') return current.map(({ createdBy: _c, liftedBy: _l, ...rest }) => rest);
    const ended = all.filter((c) => !current.includes(c)).slice(0, 100);
    return [...current, ...ended];
  }

  @Post()
  @HttpCode(201)
  @ApiRoute({
    summary: 'Closes an area to hazmat trucks (operators only)',
    description:
      'Exactly one of `polygon` (`[lon, lat]` WGS-84, 3–100 corners), `circle` `{lat, lon, radiusM}` or ' +
      '`alert` `{id, radiusM}` (around where the alert is located); `from` (default now) and `to`, epoch ms ' +
      'or ISO-8601, at most 30 days apart; `severity` of the entry alert (default red).',
    body: closureBody,
    ok: closureSchema,
    errors: {
      400: '',
      403: 'Operators only',
      404: 'No such alert (`alert`)',
      409: '200 closures already in force or to come',
    },
  })
  async create(
    @CurrentUser() user: Principal,
    @Body(new ZodPipe(closureBody, 'body')) body: z.output<typeof closureBody>,
  ): Promise<Closure> {
    if (user.role !== 'operator') throw new ForbiddenException('closures are drawn by operators only');
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
    const pending = (await this.all()).filter((c) => c.liftedAt === undefined && Date.parse(c.to) > now);
    if (pending.length >= CLOSURE_LIMITS.maxActive)
      throw new ConflictException(`${CLOSURE_LIMITS.maxActive} closures are already in force or to come`);
    const closure: Closure = {
      id: `CL-${now.toString(36)}-${randomBytes(3).toString('hex')}`,
      reason: body.reason,
      polygon,
      ...(circle ? { circle } : {}),
      severity: body.severity,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      createdBy: user.username,
      createdAt: new Date(now).toISOString(),
    };
    await this.save(closure);
    return closure;
  }

  private async aroundAlert(id: string, radiusM: number): Promise<NonNullable<Closure['circle']>> {
    const alert = await this.redis.alerts.get(id);
    if (!alert) throw new NotFoundException(`alert ${id} not found`);
    if (!alert.location) throw new BadRequestException(`alert.id: alert ${id} has no location`);
    return { lat: alert.location.lat, lon: alert.location.lon, radiusM, alert: id };
  }

  @Post(':id/lift')
  @HttpCode(200)
  @ApiRoute({
    summary: 'Lifts a closure now (operators only); it stays listed with who lifted it',
    params: { id: closureId },
    ok: closureSchema,
    errors: { 403: 'Operators only', 404: '', 409: 'Already lifted or over' },
  })
  async lift(
    @CurrentUser() user: Principal,
    @Param('id', new ParamPipe(closureId, 'id')) id: string,
  ): Promise<Closure> {
    if (user.role !== 'operator') throw new ForbiddenException('closures are lifted by operators only');
    const json = await this.redis.commands.hget(this.redis.names.closures, id);
    if (!json) throw new NotFoundException(`closure ${id} not found`);
    const closure = JSON.parse(json) as Closure;
    const now = Date.now();
    if (closure.liftedAt !== undefined || Date.parse(closure.to) <= now)
      throw new ConflictException(`closure ${id} is already ${closure.liftedAt ? 'lifted' : 'over'}`);
    const lifted: Closure = { ...closure, liftedBy: user.username, liftedAt: new Date(now).toISOString() };
    await this.save(lifted);
    return lifted;
  }
}
