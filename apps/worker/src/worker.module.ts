import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { WORKER_CONFIG, type WorkerConfig } from './config';
import { WorkerRuntime } from './worker.runtime';

@Module({})
export class WorkerModule {
  /** The module for a configuration validated before Nest starts (see `bootstrapApp`). */
  static forConfig(config: WorkerConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [HealthModule.forApp('worker', { supervisorStatusFile: config.STACK_STATUS_FILE })],
      providers: [
        { provide: WORKER_CONFIG, useValue: config },
        { provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) },
        WorkerRuntime,
      ],
    };
  }
}
