export * from './lifecycle';
export * from './alert-store';
