export * from './flags';
export * from './load';
export * from './schemas';
