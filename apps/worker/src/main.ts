import 'reflect-metadata';
import { bootstrapApp } from '@lg/observability';
import { WorkerModule } from './worker.module';
import { WORKER_CONFIG, type WorkerConfig } from './config';

void bootstrapApp('worker', WorkerModule, (app) => {
  const c = app.get<WorkerConfig>(WORKER_CONFIG);
  return { host: c.HTTP_HOST, port: c.HTTP_PORT, logLevel: c.LOG_LEVEL };
});
