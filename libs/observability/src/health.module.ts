import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';
import { Readiness, supervisedPeersCheck } from './health';

/**
 * Registers `/health`, `/ready`, `/metrics` and exports the process's `Metrics` and `Readiness`. With a
 * supervisor's status file (`STACK_STATUS_FILE`, set by `npm start`), `/ready` also tells which of the
 * other processes of the stack are down or were restarted.
 */
@Module({})
export class HealthModule {
  static forApp(app: string, o: { supervisorStatusFile?: string } = {}): DynamicModule {
    const readiness = new Readiness();
    if (o.supervisorStatusFile)
      readiness.register('stack', supervisedPeersCheck(o.supervisorStatusFile, app));
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [
        { provide: Metrics, useValue: new Metrics(app) },
        { provide: Readiness, useValue: readiness },
      ],
      exports: [Metrics, Readiness],
    };
  }
}

/** The module class of a background app; each process builds its own from it with `backgroundAppModule`. */
@Module({})
export class BackgroundAppModule {}

/**
 * The module of a background app (ingest, worker, JT/T 808): the health routes with the supervisor's status
 * file, its configuration (validated before Nest starts) under `token`, and its own providers.
 */
export function backgroundAppModule<C extends { STACK_STATUS_FILE?: string }>(
  app: string,
  config: { token: symbol; value: C },
  providers: Provider[],
): DynamicModule {
  return {
    module: BackgroundAppModule,
    imports: [HealthModule.forApp(app, { supervisorStatusFile: config.value.STACK_STATUS_FILE })],
    providers: [{ provide: config.token, useValue: config.value }, ...providers],
  };
}
