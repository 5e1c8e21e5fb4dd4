import { InfluxRepository } from '@lg/storage';

/**
 * A repository on a test's own InfluxDB 1.x, set up as ingest sets up its own: the database created and
 * its retention policies managed by us. Initialised (the database exists) when it resolves.
 */
export async function managedInflux(url: string, db: string): Promise<InfluxRepository> {
  const influx = new InfluxRepository({
    url,
    api: 'v1',
    db,
    org: '',
    token: '',
    createDb: true,
    retention: true,
  });
  await influx.init();
  return influx;
}
