import { BadRequestException, Body, Get, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { CurrentUser, type Principal } from '@lg/auth';
import { RulePackStore } from '@lg/evaluation';
import { Registry } from '@lg/registry';
import { describePack, RULES, RuleConfigError } from '@lg/rules';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayRedis } from '../infra/redis';
import { ApiRoute } from './api-route';
import { ApiController } from './api-controller';
import { z } from '../contract/openapi-zod';
import { described } from '../contract/responses';
import { requireOperator } from '../access/operators';

/** Refused to everyone but the command centre's operators. */
const RULE_PACK_FOR_OPERATORS = 'the rule pack is for operators only';

type PackView = ReturnType<typeof describePack>;

/**
 * The rule pack: every rule's effective thresholds, and live changes to them. A change is validated
 * against the whole pack (a bad value is a 400 naming the key) and applied by every worker at once.
 */
@ApiController('api/rules', { tag: 'rules', errors: { 403: 'Operators only' } })
export class RulesController {
  private readonly store: RulePackStore;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    redis: GatewayRedis,
    private readonly registry: Registry,
  ) {
    this.store = new RulePackStore(redis.commands, redis.names, config.RULE_PACK_FILE);
  }

  @Get()
  @ApiRoute({
    summary: 'Every rule with its effective configuration, defaults and overrides',
    ok: described('RulePack', 'The rule pack (docs/rules.md)'),
  })
  async list(@CurrentUser() user: Principal): Promise<PackView> {
    requireOperator(user, RULE_PACK_FOR_OPERATORS);
    return describePack(await this.store.resolve());
  }

  @Put(':rule')
  @ApiRoute({
    summary: 'Replace the live override of one rule (applied at once by every worker)',
    params: { rule: z.string().openapi({ example: 'gas.lel' }) },
    body: described(
      'RuleOverride',
      'e.g. {"config": {"orange": 20, "red": 40}, "devices": {"G001": {"red": 35}}}',
    ),
    ok: described('RuleView', 'The rule as now applied'),
    errors: { 400: 'A value the rule refuses, named', 404: 'No such rule' },
  })
  async update(
    @CurrentUser() user: Principal,
    @Param('rule') rule: string,
    @Body() body: unknown,
  ): Promise<PackView[number]> {
    requireOperator(user, RULE_PACK_FOR_OPERATORS);
    if (!RULES.some((r) => r.name === rule)) throw new NotFoundException(`no rule named ${rule}`);
    try {
      const pack = await this.store.update(rule, body ?? {}, this.registry);
      return describePack(pack).find((r) => r.rule === rule)!;
    } catch (err) {
      if (err instanceof RuleConfigError) throw new BadRequestException(err.message);
      throw err;
    }
  }
}
