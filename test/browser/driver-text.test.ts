import { RESULT } from '@lg/jt808';
import { waitFor } from '@lg/services';
import { screenshot, useBrowserStand } from './helpers';

/**
 * From an alert to the truck's driver: a JT/T 808 terminal (simulated, over TCP to the built JT/T 808
 * gateway) presses its emergency button, the SOS alert opens on the operator's dashboard, and the text the
 * operator types in the alert's detail reaches the terminal, whose answer the page shows. A company user
 * has no such form.
 */
describe('a message to the driver from the dashboard', () => {
  const stand = useBrowserStand({ apps: ['ingest', 'worker', 'gateway', 'jt808'] });

  const open = (username: string) => stand.open(username);

  it("sends the text typed in a truck alert's detail to its terminal and shows the terminal's answer", async () => {
    const terminal = await stand.terminal('T006');
    const fix = { ts: Date.now() - 1000, lat: 22.72, lon: 114.2468, speed: 0, heading: 0, altitude: 30 };
    expect(await terminal.report({ ...fix, alarm: 0b1 })).toBe(RESULT.success);
    const { page } = await open('operator');
    const row = '#alert-list .vrow[data-rule="truck.sos"][data-device="T006"]';
    await page.waitForSelector(row, { timeout: 15_000 });
    await page.click(row);
    const detail = '#drawer .alert-detail';
    await page.waitForSelector(`${detail} [data-role="driver-text"]`);
    await page.fill(`${detail} [data-role="driver-text-body"]`, '请立即靠边停车，联系调度');
    await page.click(`${detail} [data-role="driver-text-send"]`);
    await waitFor('the text at the terminal', () => terminal.texts.length === 1, 15_000);
    expect(terminal.texts[0]).toMatchObject({ text: '请立即靠边停车，联系调度' });
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === '终端已回复：成功',
      `${detail} [data-role="driver-text-result"]`,
      { timeout: 15_000 },
    );
    await screenshot(page, '30-driver-text');

    // A terminal that does not answer is said to have not answered, not to have taken the message.
    terminal.answerTexts = false;
    await page.fill(`${detail} [data-role="driver-text-body"]`, '收到请回复');
    await page.click(`${detail} [data-role="driver-text-send"]`);
    await page.waitForFunction(
      (sel) => document.querySelector(sel)?.textContent === '已发出，终端 10 秒内未回复',
      `${detail} [data-role="driver-text-result"]`,
      { timeout: 20_000 },
    );
    expect(terminal.texts).toHaveLength(2);
  });

  it('gives a company user no message form, even for its own truck (operators only)', async () => {
    const { page } = await open('c01');
    const row = '#alert-list .vrow[data-rule="truck.sos"][data-device="T006"]';
    await page.waitForSelector(row, { timeout: 15_000 });
    await page.click(row);
    await page.waitForSelector('#drawer .alert-detail');
    expect(await page.locator('#drawer [data-role="driver-text"]').count()).toBe(0);
  });
});
