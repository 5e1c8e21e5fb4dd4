import { type DynamicModule, Module } from '@nestjs/common';
import { backgroundAppModule } from '@lg/observability';
import { Registry } from '@lg/registry';
import { JT808_CONFIG, type Jt808Config } from './config';
import { Jt808Runtime } from './jt808.runtime';

@Module({})
export class Jt808Module {
  /** The module for a configuration validated before Nest starts (see `bootstrapApp`). */
  static forConfig(config: Jt808Config): DynamicModule {
    return backgroundAppModule(Jt808Module, 'jt808', { token: JT808_CONFIG, value: config }, [
      { provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) },
      Jt808Runtime,
    ]);
  }
}
