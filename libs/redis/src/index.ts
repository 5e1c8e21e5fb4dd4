export * from './connections';
export * from './leases';
export * from './fenced-batch';
