import { Module } from '@nestjs/common';
import { HealthModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { INGEST_CONFIG, ingestConfig, type IngestConfig } from './config';
import { IngestRuntime } from './ingest.runtime';

@Module({
  imports: [HealthModule.forApp('ingest')],
  providers: [
    { provide: INGEST_CONFIG, useFactory: ingestConfig },
    {
      provide: Registry,
      inject: [INGEST_CONFIG],
      useFactory: (c: IngestConfig) => Registry.load(c.REGISTRY_FILE),
    },
    IngestRuntime,
  ],
})
export class IngestModule {}
