export * from './checks';
export * from './settings';
export * from './store';
export * from './desk';
