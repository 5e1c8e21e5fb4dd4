import 'reflect-metadata';
import { bootstrapApp } from '@lg/observability';
import { Registry } from '@lg/registry';
import { INGEST_CONFIG, ingestConfig } from './config';
import { IngestRuntime } from './ingest.runtime';

void bootstrapApp('ingest', ingestConfig, {
  token: INGEST_CONFIG,
  providers: (config) => [
    { provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) },
    IngestRuntime,
  ],
  instance: (config) => config.INGEST_INSTANCE,
});
