export * from './line-protocol';
export * from './influxql';
export * from './influx-transport';
export * from './write-result';
export * from './influx-repository';
export * from './retention';
export * from './influx-lifecycle';
export * from './history';
