import 'reflect-metadata';
import { bootstrapApp } from '@lg/observability';
import { Jt808Module } from './jt808.module';
import { jt808Config } from './config';

void bootstrapApp('jt808', jt808Config, (config) => Jt808Module.forConfig(config));
