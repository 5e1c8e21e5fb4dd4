import 'reflect-metadata';
import { bootstrapApp } from '@lg/observability';
import { WorkerModule } from './worker.module';
import { workerConfig } from './config';

void bootstrapApp(
  'worker',
  workerConfig,
  (config) => WorkerModule.forConfig(config),
  (config) => config.WORKER_ID,
);
