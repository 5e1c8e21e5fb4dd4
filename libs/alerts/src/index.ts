export * from './escalation';
export * from './lifecycle';
export * from './alert-store';
