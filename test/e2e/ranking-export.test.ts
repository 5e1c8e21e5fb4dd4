import { usePlatformStand } from './helpers';

/**
 * The ranking's export (`GET /api/scorecard/export`), end to end with the built gateway: the companies in
 * the order the page asks (as on screen), the district average last; a company user gets its own row
 * only; a bad order is a 400 naming it.
 */
describe('the ranking export, end to end', () => {
  const tokens: Record<string, string> = {};
  // Ingest creates the retention policies the scorecard reads from, as in every deployment.
  const stand = usePlatformStand({ apps: ['ingest', 'gateway'] }, async (s) => {
    for (const user of ['c01', 'operator']) tokens[user] = await s.login(user);
  });

  const get = (user: string, path: string) =>
    fetch(`${stand.gateway}${path}`, {
      headers: { authorization: `Bearer ${tokens[user]}` },
    });

  it('exports the ranking in the order on screen, as CSV and XLSX', async () => {
    const { platform } = stand;
    const companies = [
      ...new Set(
        platform.registry
          .allDevices()
          .filter((d) => d.kind === 'truck')
          .map((d) => d.owner),
      ),
    ];
    const order = [...companies].sort().reverse();
    const res = await get('operator', `/api/scorecard/export?format=csv&lang=en&order=${order.join(',')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="scorecard-ranking-\d{4}-\d\d-\d\d-en\.csv"$/,
    );
    // As bytes: the text of a fetch drops the byte-order mark that spreadsheets need.
    const lines = Buffer.from(await res.arrayBuffer())
      .toString('utf8')
      .split('\r\n');
    expect(lines[0].startsWith('\uFEFFRank,Company,Company name,')).toBe(true);
    expect(lines.slice(1, 1 + order.length).map((l) => l.split(',')[1])).toEqual(order);
    expect(lines[1 + order.length].startsWith(',,District average,')).toBe(true);

    const xlsx = await get('operator', '/api/scorecard/export?format=xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
  });

  it('gives a company user its own row only, and refuses a bad order by name', async () => {
    const own = await get('c01', '/api/scorecard/export?format=csv');
    expect(own.status).toBe(200);
    const lines = (await own.text()).split('\r\n').filter((l) => l !== '');
    expect(lines).toHaveLength(2);
    expect(lines[1].split(',').slice(0, 2)).toEqual(['', 'C01']);
    const bad = await get('operator', '/api/scorecard/export?order=C01,../x');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('order');
  });
});
