export * from './reading-log';
export * from './rejections';
export * from './pipeline';
export * from './streams';
export * from './router';
export * from './store-consumer';
export * from './drift';
