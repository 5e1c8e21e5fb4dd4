import { type DynamicModule, Module } from '@nestjs/common';
import { AckLinkController, NotificationsController } from './http/notifications.controller';
import { NotificationsService } from './access/notifications.service';
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
import { Registry, RegistryError } from '@lg/registry';
import { DigestsController } from './http/digests.controller';
import { SmsReceiptsController } from './http/sms-receipts.controller';
import { DigestsService } from './access/digests.service';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { AlertRetention } from './infra/alert-retention';
import { GatewayRedis } from './infra/redis';
import { ReadingsStore } from './infra/readings';
import { AlertsService } from './access/alerts.service';
import { DevicesService } from './access/devices.service';
import { LoginService } from './access/login.service';
import { AuthController } from './http/auth.controller';
import { AlertsController } from './http/alerts.controller';
import { IncidentsController } from './http/incidents.controller';
import { AlarmLoadController } from './http/alarm-load.controller';
import { IncidentsService } from './access/incidents.service';
import { ShelvingService } from './access/shelving.service';
import { ShelvingController } from './http/shelving.controller';
import { DevicesController } from './http/devices.controller';
import { TerminalController } from './http/terminal.controller';
import { TerminalDownlinkService } from './access/terminal-downlink.service';
import { MapController } from './http/map.controller';
import { HazardsController } from './http/hazards.controller';
import { ClosuresController } from './http/closures.controller';
import { DriverMessagesController } from './http/driver-messages.controller';
import { RulesController } from './http/rules.controller';
import { ScorecardController } from './http/scorecard.controller';
import { ScorecardBackend } from './access/scorecard.backend';
import { ScorecardService } from './access/scorecard.service';
import { LiveGateway } from './live/live.gateway';
import { LiveStreamReader } from './live/live-stream.reader';
import { PositionsFeed } from './live/positions.feed';
import { RejectionsFeed } from './live/rejections.feed';
import { LinksFeed } from './live/links.feed';
import { LinksController } from './http/links.controller';
import { LinksService } from './access/links.service';
import { LinkHistory } from './infra/link-history';
import { RejectionsController } from './http/rejections.controller';
import { RejectionsService } from './access/rejections.service';
import { RejectionHistory } from './infra/rejection-history';
import { DutyFeed } from './live/duty.feed';
import { MessageCheckController } from './http/message-check.controller';
import { MessageCheckService } from './access/message-check.service';
import { DutyChecksController } from './http/duty-checks.controller';
import { DutyChecksService } from './access/duty-checks.service';
import { DataQualityController } from './http/data-quality.controller';
import { DataQualityService } from './access/data-quality.service';
import { TrackEvidenceController } from './http/track-evidence.controller';
import { TrackEvidenceService } from './access/track-evidence.service';
import { ClosuresService } from './access/closures.service';
import { HazardsService } from './access/hazards.service';
import { AlarmLoadService } from './access/alarm-load.service';

/** The users file (demo credentials refused in production), or the demo accounts when there is none. */
export async function loadUsers(c: GatewayConfig, registry: Registry): Promise<UserDirectory> {
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

/** The registry, with a failure reported as a configuration problem naming REGISTRY_FILE. */
export function loadRegistry(c: GatewayConfig): Registry {
  try {
    return Registry.load(c.REGISTRY_FILE);
  } catch (err) {
    if (err instanceof RegistryError) {
      const cause = err.cause instanceof Error ? ` (${err.cause.message})` : '';
      throw new ConfigError([`REGISTRY_FILE: ${err.message}${cause}`]);
    }
    throw err;
  }
}

/** What the gateway needs before it can start, checked before any connection is opened. */
export interface GatewayStartup {
  config: GatewayConfig;
  registry: Registry;
  users: UserDirectory;
}

export async function prepareGateway(config: GatewayConfig): Promise<GatewayStartup> {
  const registry = loadRegistry(config);
  return { config, registry, users: await loadUsers(config, registry) };
}

/** The REST API's controllers: each route is described for the OpenAPI document (http/openapi.ts). */
export const GATEWAY_CONTROLLERS = [
  AuthController,
  AlertsController,
  IncidentsController,
  ShelvingController,
  AlarmLoadController,
  DevicesController,
  TerminalController,
  RulesController,
  MapController,
  HazardsController,
  ClosuresController,
  DriverMessagesController,
  NotificationsController,
  ScorecardController,
  DataQualityController,
  TrackEvidenceController,
  RejectionsController,
  DutyChecksController,
  MessageCheckController,
  LinksController,
  DigestsController,
  SmsReceiptsController,
] as const;

/** The gateway: REST API, `/live` Socket.IO namespace, health and metrics. */
@Module({})
export class GatewayModule {
  static forRoot({ config, registry, users }: GatewayStartup): DynamicModule {
    return {
      module: GatewayModule,
      imports: [HealthModule.forApp('gateway', { supervisorStatusFile: config.STACK_STATUS_FILE })],
      // The acknowledgement link's page is for people (the link is the credential), not an API route.
      controllers: [...GATEWAY_CONTROLLERS, AckLinkController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: Registry, useValue: registry },
        { provide: TokenService, useValue: new TokenService(config.JWT_SECRET, config.JWT_TTL) },
        { provide: UserDirectory, useValue: users },
        AuthGuard,
        GatewayRedis,
        AlertRetention,
        ReadingsStore,
        AlertsService,
        IncidentsService,
        ShelvingService,
        AlarmLoadService,
        ClosuresService,
        HazardsService,
        DevicesService,
        TerminalDownlinkService,
        LoginService,
        ScorecardBackend,
        ScorecardService,
        LiveStreamReader,
        PositionsFeed,
        RejectionHistory,
        RejectionsService,
        RejectionsFeed,
        DutyChecksService,
        MessageCheckService,
        DataQualityService,
        TrackEvidenceService,
        DutyFeed,
        DigestsService,
        LinkHistory,
        LinksService,
        LinksFeed,
        NotificationsService,
        LiveGateway,
      ],
    };
  }
}
