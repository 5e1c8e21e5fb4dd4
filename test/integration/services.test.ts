import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '@lg/registry';
import { Services } from '@lg/services';

describe('local services', () => {
  let dir: string;
  let services: Services;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-services-'));
    services = await Services.start({ dir, registry: Registry.load('config/registry/longgang.json') });
  });

  afterAll(async () => {
    await services?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts InfluxDB that answers InfluxQL', async () => {
    const res = await fetch(`${services.influxUrl}/query?q=${encodeURIComponent('SHOW DATABASES')}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: unknown[] };
    expect(body.results).toHaveLength(1);
  });
});
