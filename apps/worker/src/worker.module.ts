import { Module } from '@nestjs/common';
import { HealthModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { WORKER_CONFIG, workerConfig, type WorkerConfig } from './config';
import { WorkerRuntime } from './worker.runtime';

@Module({
  imports: [HealthModule.forApp('worker')],
  providers: [
    { provide: WORKER_CONFIG, useFactory: workerConfig },
    {
      provide: Registry,
      inject: [WORKER_CONFIG],
      useFactory: (c: WorkerConfig) => Registry.load(c.REGISTRY_FILE),
    },
    WorkerRuntime,
  ],
})
export class WorkerModule {}
