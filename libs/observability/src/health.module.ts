import { type DynamicModule, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';
import { Readiness } from './health';

/** Registers `/health`, `/ready`, `/metrics` and exports the process's `Metrics` and `Readiness`. */
@Module({})
export class HealthModule {
  static forApp(app: string): DynamicModule {
    return {
      module: HealthModule,
      global: true,
      controllers: [HealthController],
      providers: [{ provide: Metrics, useValue: new Metrics(app) }, Readiness],
      exports: [Metrics, Readiness],
    };
  }
}
