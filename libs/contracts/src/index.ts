export * from './topics';
export * from './rejections';
export * from './readings';
export * from './alert';
export * from './records';
export * from './events';
export * from './names';
export * from './jobs';
