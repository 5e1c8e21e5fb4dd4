export * from './ack-window';
export * from './ingest-client';
