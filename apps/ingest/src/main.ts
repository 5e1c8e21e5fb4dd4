import 'reflect-metadata';
import { bootstrapApp } from '@lg/observability';
import { IngestModule } from './ingest.module';
import { INGEST_CONFIG, type IngestConfig } from './config';

void bootstrapApp('ingest', IngestModule, (app) => {
  const c = app.get<IngestConfig>(INGEST_CONFIG);
  return { host: c.HTTP_HOST, port: c.HTTP_PORT, logLevel: c.LOG_LEVEL };
});
