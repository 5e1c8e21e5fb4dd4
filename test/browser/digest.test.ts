import { addDays, localDate, localDay } from '@lg/notifications';
import { waitFor } from '@lg/services';
import { screenshot, useBrowserStand } from './helpers';

const TZ = 'Asia/Shanghai';

/**
 * The daily digest page: yesterday's alerts of a street as tiles per severity, a bar per rule, the open
 * items; in Chinese and English; a company user lands on its own company's digest whatever it asks for.
 */
describe('daily digest in a browser', () => {
  const stand = useBrowserStand({ env: { ESCALATION_DELAYS: 'red=never,orange=never,yellow=never' } });

  it('shows a street’s day at a glance in both languages; a company sees its own only', async () => {
    const { platform } = stand;
    await stand.connect('P01');
    const date = addDays(localDate(Date.now(), TZ), -1);
    const day = localDay(date, TZ);
    for (const [device, hour, lel] of [
      ['G001', 10, 80],
      ['G002', 11, 30],
    ] as const)
      await stand.publishGas(device, { ts: day.from + hour * 3_600_000, lel });
    const gateway = platform.url('gateway');
    const token = await stand.login('operator');
    await waitFor('both gas alerts in the street’s digest', async () => {
      const res = await fetch(`${gateway}/api/digests/ST-BJ?date=${date}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const d = (await res.json()) as { alerts: { byRule: Array<{ rule: string; total: number }> } };
      return d.alerts.byRule.some((r) => r.rule === 'gas.lel' && r.total === 2);
    });

    const op = await stand.open('operator');
    await op.page.click('#nav [data-nav="#/digest"]');
    await op.page.waitForSelector('#workspace-view[data-rendered="#/digest"]');
    // Yesterday by default; then the street chosen from the list.
    expect(await op.page.inputValue('[data-role="digest-date"]')).toBe(date);
    await op.page.selectOption('[data-role="digest-scope"]', 'ST-BJ');
    await op.page.waitForSelector(`#workspace-view[data-rendered="#/digest/ST-BJ/${date}"]`);
    const figure = (role: string) => op.page.textContent(`[data-role="${role}"] b`);
    expect(await figure('digest-red')).toBe('1');
    expect(await figure('digest-orange')).toBe('1');
    expect(Number(await figure('digest-total'))).toBeGreaterThanOrEqual(2);
    expect(await op.page.textContent('#workspace-view h2')).toContain(`布吉街道 · ${date}`);
    expect(await op.page.textContent('[data-role="digest-rules"]')).toContain('可燃气体浓度');
    expect(await op.page.textContent('[data-role="digest-open-items"]')).toContain('G002');
    await screenshot(op.page, 'digest-street-zh');

    await op.page.click('#lang-toggle');
    await op.page.waitForFunction(() =>
      document.querySelector('#workspace-view h2')?.textContent?.includes('Daily alert digest'),
    );
    expect(await op.page.textContent('[data-role="digest-rules"]')).toContain('Combustible gas');
    await screenshot(op.page, 'digest-street-en');

    const company = await stand.open('c01');
    await company.page.evaluate((d) => {
      location.hash = `#/digest/ST-BJ/${d}`;
    }, date);
    await company.page.waitForSelector(`#workspace-view[data-rendered="#/digest/ST-BJ/${date}"]`);
    expect(await company.page.inputValue('[data-role="digest-scope"]')).toBe('C01');
    expect(await company.page.textContent('#workspace-view h2')).not.toContain('布吉');
    expect(await company.page.$('[data-role="digest-send"]')).toBeNull();
    expect(await company.page.$$eval('[data-role="digest-scope"] option', (o) => o.length)).toBe(1);
  }, 90_000);
});
