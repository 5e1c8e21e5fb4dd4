import 'reflect-metadata';
import { bootstrapApp } from '@lg/observability';
import { Registry } from '@lg/registry';
import { JT808_CONFIG, jt808Config } from './config';
import { Jt808Runtime } from './jt808.runtime';

void bootstrapApp('jt808', jt808Config, {
  token: JT808_CONFIG,
  providers: (config) => [{ provide: Registry, useValue: Registry.load(config.REGISTRY_FILE) }, Jt808Runtime],
});
