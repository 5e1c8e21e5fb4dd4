import 'reflect-metadata';
import { bootstrapApp } from '@lg/observability';
import { IngestModule } from './ingest.module';
import { ingestConfig } from './config';

void bootstrapApp(
  'ingest',
  ingestConfig,
  (config) => IngestModule.forConfig(config),
  (config) => config.INGEST_INSTANCE,
);
