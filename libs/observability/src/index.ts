export * from './metrics';
export * from './health';
export * from './health.controller';
export * from './health.module';
export * from './bootstrap';
export * from './logger';
export * from './concurrency-limit';
export * from './startup';
