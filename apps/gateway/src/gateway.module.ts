import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigError } from '@lg/config';
import {
  AuthGuard,
  demoCredentialProblems,
  demoUsers,
  loadUsersFile,
  TokenService,
  UserDirectory,
  UsersError,
  type UserRecord,
} from '@lg/auth';
import { HealthModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { GatewayRedis } from './infra/redis';
import { ReadingsStore } from './infra/readings';
import { AlertsService } from './access/alerts.service';
import { DevicesService } from './access/devices.service';
import { LoginService } from './access/login.service';
import { AuthController } from './http/auth.controller';
import { AlertsController } from './http/alerts.controller';
import { DevicesController } from './http/devices.controller';
import { LiveGateway } from './live/live.gateway';
import { LiveStreamReader } from './live/live-stream.reader';
import { PositionsFeed } from './live/positions.feed';

/** The users file in production (demo credentials refused); the demo accounts otherwise. */
async function loadUsers(c: GatewayConfig, registry: Registry): Promise<UserDirectory> {
  const companies = registry.allCompanies().map((company) => company.id);
  if (!c.USERS_FILE) return new UserDirectory(await demoUsers(companies));
  let users: UserRecord[];
  try {
    users = loadUsersFile(c.USERS_FILE, new Set(companies));
  } catch (err) {
    if (err instanceof UsersError) throw new ConfigError([`USERS_FILE: ${err.message}`]);
    throw err;
  }
  if (c.LG_MODE === 'production') {
    const problems = await demoCredentialProblems(users, companies);
    if (problems.length > 0) {
      throw new ConfigError(problems.map((p) => `USERS_FILE: production refuses demo credentials: ${p}`));
    }
  }
  return new UserDirectory(users);
}

/** The gateway: REST API, `/live` Socket.IO namespace, health and metrics. */
@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [HealthModule.forApp('gateway')],
      controllers: [AuthController, AlertsController, DevicesController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: Registry, useFactory: () => Registry.load(config.REGISTRY_FILE) },
        { provide: TokenService, useValue: new TokenService(config.JWT_SECRET, config.JWT_TTL) },
        {
          provide: UserDirectory,
          inject: [Registry],
          useFactory: (registry: Registry) => loadUsers(config, registry),
        },
        AuthGuard,
        GatewayRedis,
        ReadingsStore,
        AlertsService,
        DevicesService,
        LoginService,
        LiveStreamReader,
        PositionsFeed,
        LiveGateway,
      ],
    };
  }
}
