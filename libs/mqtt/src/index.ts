export * from './ingest-client';
