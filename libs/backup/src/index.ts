export * from './config';
export * from './backup';
