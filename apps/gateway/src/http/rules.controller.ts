import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  Inject,
  NotFoundException,
  Param,
  Put,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AuthGuard, CurrentUser, type Principal } from '@lg/auth';
import { RulePackStore } from '@lg/evaluation';
import { Registry } from '@lg/registry';
import { describePack, RULES, RuleConfigError } from '@lg/rules';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GatewayRedis } from '../infra/redis';
import { ErrorDto } from './dto';

type PackView = ReturnType<typeof describePack>;

/**
 * The rule pack: every rule's effective thresholds, and live changes to them. A change is validated
 * against the whole pack (a bad value is a 400 naming the key) and applied by every worker at once.
 */
@ApiTags('rules')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto, description: 'No, bad or expired token' })
@ApiForbiddenResponse({ type: ErrorDto, description: 'Operators only' })
@UseGuards(AuthGuard)
@Controller('api/rules')
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
  @ApiOperation({ summary: 'Every rule with its effective configuration, defaults and overrides' })
  @ApiOkResponse({ description: 'The rule pack' })
  async list(@CurrentUser() user: Principal): Promise<PackView> {
    operatorOnly(user);
    return describePack(await this.store.resolve());
  }

  @Put(':rule')
  @ApiOperation({
    summary: 'Replace the live override of one rule (applied at once by every worker)',
    description:
      'Body: `{enabled?, config?, owners?: {ownerId: {...}}, devices?: {deviceId: {...}}}`. Keys of `config` are the rule’s thresholds; see docs/rules.md.',
  })
  @ApiBody({
    schema: { type: 'object', example: { config: { orange: 20, red: 40 }, devices: { G001: { red: 35 } } } },
  })
  @ApiOkResponse({ description: 'The rule as now applied' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A value the rule refuses, named' })
  async update(
    @CurrentUser() user: Principal,
    @Param('rule') rule: string,
    @Body() body: unknown,
  ): Promise<PackView[number]> {
    operatorOnly(user);
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

function operatorOnly(user: Principal): void {
  if (user.role !== 'operator') throw new ForbiddenException('the rule pack is for operators only');
}
