export * from './process';
export * from './binaries';
export * from './redis-server';
export * from './influxd';
export * from './mosquitto';
export * from './mqtt-identities';
export * from './stack';
export * from './redis-sentinel';
