import { type DynamicModule, Module } from '@nestjs/common';
import { backgroundAppModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { INGEST_CONFIG, type IngestConfig } from './config';
import { IngestRuntime } from './ingest.runtime';

@Module({})
export class IngestModule {
  /** The module for a configuration validated before Nest starts (see `bootstrapApp`). */
  static forConfig(config: IngestConfig): DynamicModule {
    return backgroundAppModule(IngestModule, 'ingest', { token: INGEST_CONFIG, value: config }, [
      { provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) },
      IngestRuntime,
    ]);
  }
}
