import { type DynamicModule, Module } from '@nestjs/common';
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
