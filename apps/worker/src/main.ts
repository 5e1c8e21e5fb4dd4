import 'reflect-metadata';
import { bootstrapApp } from '@lg/observability';
import { Registry } from '@lg/registry';
import { WORKER_CONFIG, workerConfig } from './config';
import { WorkerRuntime } from './worker.runtime';

void bootstrapApp('worker', workerConfig, {
  token: WORKER_CONFIG,
  providers: (config) => [
    { provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) },
    WorkerRuntime,
  ],
  instance: (config) => config.WORKER_ID,
});
