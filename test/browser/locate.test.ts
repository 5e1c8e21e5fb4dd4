import { RESULT } from '@lg/jt808';
import { waitFor } from '@lg/services';
import { screenshot, useBrowserStand } from './helpers';

/**
 * 位置查询 from the dashboard: a simulated JT/T 808 terminal (over TCP to the built gateway) opens an SOS
 * alert; the operator presses "位置查询" in the alert's detail, the terminal is asked (0x8201) and its answer
 * (0x0201) is shown; a terminal that keeps silent is shown as not answering. A company user has no button.
 */
describe('the location query from the dashboard', () => {
  // The silent terminal's 504 is the answer the test asks for; the browser logs any error status.
  const stand = useBrowserStand(
    { apps: ['ingest', 'worker', 'gateway', 'jt808'] },
    { allowedError: 'the server responded with a status of 504' },
  );

  const open = (username: string) => stand.open(username);

  const row = '#alert-list .vrow[data-rule="truck.sos"][data-device="T007"]';
  const detail = '#drawer .alert-detail';
  const result = `${detail} [data-role="locate-result"]`;

  it("asks the truck's terminal where it is and shows its answer, or that it did not answer", async () => {
    const terminal = await stand.terminal('T007');
    const fix = { ts: Date.now() - 1000, lat: 22.7213, lon: 114.2468, speed: 36, heading: 90, altitude: 30 };
    expect(await terminal.report({ ...fix, alarm: 0b1 })).toBe(RESULT.success);
    const { page } = await open('operator');
    await page.waitForSelector(row, { timeout: 15_000 });
    await page.click(row);
    await page.waitForSelector(`${detail} [data-role="locate-ask"]`);
    expect(await page.textContent(`${detail} [data-role="locate-ask"]`)).toBe('位置查询');
    await page.click(`${detail} [data-role="locate-ask"]`);
    await waitFor('the query at the terminal', () => terminal.locationQueries === 1, 15_000);
    // The simulated terminal answers with its last fix: the page shows that position, not another.
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.getAttribute('data-state') === 'answered',
      result,
      { timeout: 15_000 },
    );
    const answer = (await page.textContent(result)) ?? '';
    expect(answer).toContain('终端回复：22.721300, 114.246800，36.0 km/h');
    await screenshot(page, '31-locate');

    terminal.answerLocationQueries = false;
    await page.click(`${detail} [data-role="locate-ask"]`);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === '终端 10 秒内未回复位置查询',
      result,
      { timeout: 25_000 },
    );
    expect(terminal.locationQueries).toBe(2);
  });

  it('gives a company user no location query, even for its own truck (operators only)', async () => {
    const { page } = await open('c01');
    await page.waitForSelector(row, { timeout: 15_000 });
    await page.click(row);
    await page.waitForSelector(detail);
    expect(await page.locator('#drawer [data-role="locate-ask"]').count()).toBe(0);
  });
});
