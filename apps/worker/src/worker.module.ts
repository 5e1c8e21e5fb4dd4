import { type DynamicModule, Module } from '@nestjs/common';
import { backgroundAppModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { WORKER_CONFIG, type WorkerConfig } from './config';
import { WorkerRuntime } from './worker.runtime';

@Module({})
export class WorkerModule {
  /** The module for a configuration validated before Nest starts (see `bootstrapApp`). */
  static forConfig(config: WorkerConfig): DynamicModule {
    return backgroundAppModule(WorkerModule, 'worker', { token: WORKER_CONFIG, value: config }, [
      { provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) },
      WorkerRuntime,
    ]);
  }
}
