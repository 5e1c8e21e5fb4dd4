import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { INGEST_CONFIG, type IngestConfig } from './config';
import { IngestRuntime } from './ingest.runtime';

@Module({})
export class IngestModule {
  /** The module for a configuration validated before Nest starts (see `bootstrapApp`). */
  static forConfig(config: IngestConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [HealthModule.forApp('ingest', { supervisorStatusFile: config.STACK_STATUS_FILE })],
      providers: [
        { provide: INGEST_CONFIG, useValue: config },
        { provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) },
        IngestRuntime,
      ],
    };
  }
}
