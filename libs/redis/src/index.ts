export * from './connections';
export * from './leases';
export * from './fenced-batch';
export * from './streams';
export * from './held-lease';
export * from './group-consumer';
export * from './live-stream';
export * from './snapshot';
