import { screenshot, useBrowserStand } from './helpers';
import type { Screen } from './helpers';

/**
 * Shelving on the dashboard: an operator shelves a nuisance gas alert from its detail with a reason; it
 * leaves the live list on every screen and shows on the shelved view; a rise to red brings it back at once.
 * Shelving the red alert waits for a second operator, who confirms it on their own screen, and brings it
 * back by hand.
 */
describe('shelving in a browser', () => {
  let operator: Screen;
  let chief: Screen;
  const stand = useBrowserStand(
    { env: { TIMER_INTERVAL_MS: '100' } },
    {
      setup: async (s) => {
        operator = await s.open('operator');
        chief = await s.open('chief');
        await s.connect('P01');
      },
    },
  );

  const row = '#alert-list .vrow[data-device="G001"]';
  const detail = '#drawer .alert-detail';

  const gas = (lel: number) => stand.publishGas('G001', { ts: Date.now(), lel });
  const gone = (s: Screen) =>
    s.page.waitForFunction((sel) => !document.querySelector(sel), row, { timeout: 10_000 });

  it('shelves a nuisance alert off every live list, and a rise to red brings it back', async () => {
    await gas(30);
    for (const s of [operator, chief]) await s.page.waitForSelector(`${row}[data-severity="orange"]`);
    await operator.page.click(row);
    await operator.page.waitForSelector(`${detail} [data-role="shelf-form"]`);
    await operator.page.fill(`${detail} [data-role="shelf-reason"]`, '探测器受潮误报，已派人检修');
    await operator.page.selectOption(`${detail} [data-role="shelf-minutes"]`, '30');
    await operator.page.click(`${detail} [data-role="shelve"]`);
    await operator.page.waitForSelector(`${detail} [data-role="shelf-state"]:text("已由 operator 搁置")`);
    await screenshot(operator.page, '40-alert-shelved');
    await operator.page.click('#drawer-close');
    for (const s of [operator, chief]) await gone(s);

    // The shelved view lists it.
    await chief.page.selectOption('#filter-state', 'shelved');
    await chief.page.waitForSelector(`${row}[data-severity="orange"]`);
    await chief.page.selectOption('#filter-state', 'open');

    // Safety first: the rise to red is seen again at once, on every screen.
    await gas(60);
    for (const s of [operator, chief]) await s.page.waitForSelector(`${row}[data-severity="red"]`);
  });

  it('shelves a red alert only once a second operator confirms it, and brings it back by hand', async () => {
    await operator.page.click(row);
    await operator.page.fill(`${detail} [data-role="shelf-reason"]`, '管网检修，现场已确认安全');
    await operator.page.click(`${detail} [data-role="shelve"]`);
    await operator.page.waitForSelector(`${detail} [data-role="shelf-result"]:text("第二名值班员复核")`);
    // Still on the list: nobody confirmed yet.
    await operator.page.click('#drawer-close');
    await chief.page.waitForSelector(row);

    await chief.page.click(row);
    await chief.page.click(`${detail} [data-role="shelf-confirm"]`);
    await chief.page.waitForSelector(`${detail} [data-role="shelf-state"]:text("chief 复核")`);
    await screenshot(chief.page, '41-red-shelf-confirmed');
    await operator.page.bringToFront();
    await gone(operator);

    await chief.page.click(`${detail} [data-role="unshelve"]`);
    await chief.page.waitForSelector(`${detail} [data-role="shelf-form"]:visible`);
    await chief.page.click('#drawer-close');
    for (const s of [operator, chief]) await s.page.waitForSelector(`${row}[data-severity="red"]`);
  });
});
