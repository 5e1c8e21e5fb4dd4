import { publishTruck, waitForTruckRecords } from '../e2e/helpers';
import { type Screen, screenshot, useBrowserStand } from './helpers';

/**
 * The integration console's data quality per truck and its live summary, in real Chromium on the built
 * ingest and gateway: a company's truck with a gap and an unpositioned fix shows them in its row, worst
 * first; an operator picks the company; a bad publish updates the summary without reloading the page.
 */
describe('the integration console: data quality and the live summary', () => {
  const stand = useBrowserStand(
    { apps: ['ingest', 'gateway'] },
    {
      setup: async (s) => {
        const c01 = await s.connect('C01');
        // T002 (every 10 s): ten readings in the last half hour with a 2-minute silence, one without a fix.
        const base = Math.floor((Date.now() - 20 * 60_000) / 1000) * 1000;
        const offsets = [0, 10, 20, 30, 150, 160, 170, 180, 190, 200];
        const readings = offsets.map((sec, i) => ({
          ts: base + sec * 1000,
          lat: 22.72,
          lon: 114.24 + i * 0.0003,
          speed: 30,
          ...(i === 5 ? { fix: false } : {}),
        }));
        await publishTruck(c01, s.platform.root, 'C01', 'T002', readings);
        await waitForTruckRecords(s.platform, "device = 'T002'", 10);
      },
    },
  );

  async function open(username: string): Promise<Screen> {
    const s = await stand.open(username);
    await s.page.click('#nav [data-nav="#/console"]');
    await s.page.waitForSelector('#workspace-view[data-rendered="#/console"] #rejection-table');
    return s;
  }

  it('shows each truck’s interval, gaps, unqualified share and skew, the worst first', async () => {
    const { page } = await open('c01');
    const row = page.locator('#quality-table tbody tr').first();
    await row.waitFor();
    expect(await row.getAttribute('data-truck')).toBe('T002');
    // The 2-minute silence and the one since the last record (over 15 minutes).
    expect(await row.getAttribute('data-gaps')).toBe('2');
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toBe('10');
    expect(cells[2]).toBe('10 s / 10 s');
    expect(cells[3]).toBe('88.9 %');
    expect(cells[5]).toBe('10 % (1)');
    // Sent about 20 minutes after their event times: a skew of minutes, positive.
    expect(cells[6]).toMatch(/^1\d\.\d min \(max \d\d\.\d min\)$/);
    await screenshot(page, '32-console-quality');

    // An operator chooses the company.
    const operator = await open('operator');
    await operator.page.waitForSelector('#quality-company option[value="C02"]', { state: 'attached' });
    await operator.page.selectOption('#quality-company', 'C02');
    await operator.page.waitForFunction(
      () =>
        [...document.querySelectorAll('#quality-table tbody tr')].every(
          (r) => /^T\d+$/.test(r.getAttribute('data-truck') ?? '') && r.getAttribute('data-truck') !== 'T002',
        ) && document.querySelectorAll('#quality-table tbody tr').length > 0,
    );
  });

  it('updates the summary live as refused messages arrive', async () => {
    const { platform } = stand;
    const c01 = stand.owner('C01');
    const { page } = await open('c01');
    await page.waitForSelector('#rejection-summary p');
    const before = (await page.textContent('#rejection-summary p')) ?? '';
    expect(before).toContain('共 0 条');
    await c01.publishAsync(`${platform.root}/truck/C01/T003/telemetry`, '{"ts": 1, "lat": ', { qos: 1 });
    await page.waitForFunction(
      () => document.querySelector('#rejection-summary p')?.textContent?.includes('共 1 条') === true,
      undefined,
      { timeout: 10_000 },
    );
    expect(await page.textContent('#rejection-summary')).toContain('T003');
  });
});
