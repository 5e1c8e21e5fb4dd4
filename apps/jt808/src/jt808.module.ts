import { type DynamicModule, Module } from '@nestjs/common';
import { HealthModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { JT808_CONFIG, type Jt808Config } from './config';
import { Jt808Runtime } from './jt808.runtime';

@Module({})
export class Jt808Module {
  /** The module for a configuration validated before Nest starts (see `bootstrapApp`). */
  static forConfig(config: Jt808Config): DynamicModule {
    return {
      module: Jt808Module,
      imports: [HealthModule.forApp('jt808', { supervisorStatusFile: config.STACK_STATUS_FILE })],
      providers: [
        { provide: JT808_CONFIG, useValue: config },
        { provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) },
        Jt808Runtime,
      ],
    };
  }
}
