import type { DutyResponder } from '@lg/simulators/duty-responder';
import { dutyResponder } from '../e2e/helpers';
import { type Screen, screenshot, useBrowserStand } from './helpers';

/**
 * The platform link panel of the integration console in headless Chromium: c01 sees its own link go from
 * unknown to online, to offline when its platform is killed (the last will) and back, live; c02 sees its
 * own row only; operators see every company's.
 */
describe('platform link panel in a browser', () => {
  let responder: DutyResponder | undefined;
  const stand = useBrowserStand(
    { apps: ['ingest', 'gateway'], env: { DUTY_CHECK_SCHEDULE: 'false' } },
    { setup: (s) => s.onStop(() => responder?.stop()) },
  );

  const startPlatform = () => dutyResponder(stand.platform, ['C01']);

  async function consoleOf(user: string): Promise<Screen> {
    const s = await stand.open(user);
    await s.page.click('#nav [data-nav="#/console"]');
    await s.page.waitForSelector('#platform-links #link-table tbody tr');
    return s;
  }
  const stateOf = (s: Screen, company: string) =>
    s.page.getAttribute(`#link-table tr[data-company="${company}"]`, 'data-state');

  it('shows c01 its link going up, down and up again, live, and no other company', async () => {
    const c01 = await consoleOf('c01');
    expect(
      await c01.page.$$eval('#link-table tbody tr', (rows) => rows.map((r) => r.dataset.company)),
    ).toEqual(['C01']);
    expect(await stateOf(c01, 'C01')).toBe('unknown');

    responder = await startPlatform();
    await c01.page.waitForSelector('#link-table tr[data-company="C01"][data-state="online"]');
    await responder.abort();
    responder = undefined;
    await c01.page.waitForSelector('#link-table tr[data-company="C01"][data-state="offline"]');
    expect(await c01.page.locator('#link-timeline > .link-offline').count()).toBe(1);
    responder = await startPlatform();
    await c01.page.waitForSelector('#link-table tr[data-company="C01"][data-state="online"]');
    expect(await c01.page.locator('.ws-link-changes li').count()).toBe(3);
    await screenshot(c01.page, '40-console-platform-link-c01');

    const c02 = await consoleOf('c02');
    expect(
      await c02.page.$$eval('#link-table tbody tr', (rows) => rows.map((r) => r.dataset.company)),
    ).toEqual(['C02']);
    const operator = await consoleOf('operator');
    expect(await operator.page.locator('#link-table tbody tr').count()).toBeGreaterThan(1);
    expect(await stateOf(operator, 'C01')).toBe('online');
    for (const s of stand.screens) expect(s.errors).toEqual([]);
  });
});
