export * from './escalation';
export * from './lifecycle';
export * from './alert-store';
export * from './log-fields';
export * from './grouping';
export * from './incident-store';
export * from './alarm-load';
