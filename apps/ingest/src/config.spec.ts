import { loadConfig } from '@lg/config';
import { ingestConfigSchema } from './config';

describe('ingest configuration', () => {
  it('stops on an index outside the instances and on the demo MQTT password in production, naming both', () => {
    expect(() =>
      loadConfig(ingestConfigSchema, { INGEST_INDEX: '2', INGEST_INSTANCES: '2', LG_MODE: 'production' }),
    ).toThrow(
      'invalid configuration:\n' +
        '  - INGEST_INDEX: must be below INGEST_INSTANCES (2)\n' +
        '  - MQTT_PASSWORD: production refuses the demo password (equal to the user name)',
    );
    expect(
      loadConfig(ingestConfigSchema, { INGEST_INDEX: '1', INGEST_INSTANCES: '2', LG_MODE: 'demo' }),
    ).toMatchObject({ INGEST_INDEX: 1, INGEST_INSTANCES: 2 });
  });
});
