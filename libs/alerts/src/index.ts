export * from './escalation';
export * from './lifecycle';
export * from './alert-store';
export * from './log-fields';
