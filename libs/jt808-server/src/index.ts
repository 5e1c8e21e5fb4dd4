export * from './registrations';
export * from './connections';
export * from './reading-sink';
export * from './server';
export * from './relay';
