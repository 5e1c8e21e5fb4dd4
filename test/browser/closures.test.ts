import type { Closure } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { type Screen, screenshot, useBrowserStand } from './helpers';

/**
 * A temporary closure drawn on the dashboard's map: the operator clicks its corners, names the reason
 * and saves; a truck reporting inside it alerts within seconds; the company sees the closure on its map
 * and in the list (without a lift button); the operator lifts it and it leaves every map.
 */
describe('temporary closures on the dashboard', () => {
  let token = '';
  const stand = useBrowserStand(
    { apps: ['ingest', 'worker', 'gateway'] },
    {
      setup: async (s) => {
        await s.connect('C01');
        token = await s.login('operator');
      },
    },
  );

  function open(username: string): Promise<Screen> {
    return stand.open(username);
  }

  const closures = async (): Promise<Closure[]> => {
    const res = await fetch(`${stand.gateway}/api/closures`, {
      headers: { authorization: `Bearer ${token}` },
    });
    return (await res.json()) as Closure[];
  };

  it('draws a closure, alerts a truck inside it, shows it to the company and lifts it', async () => {
    const { platform } = stand;
    const truck = stand.owner('C01');
    const { page } = await open('operator');
    await page.click('[data-test="closures-tool"]');
    await page.waitForSelector('[data-test="closures-panel"]:not([hidden])');
    await page.fill('[data-test="closure-form"] input[name="reason"]', '布吉路燃气抢修');
    await page.selectOption('[data-test="closure-mode"]', 'polygon');
    await page.click('[data-test="closure-draw"]');
    // Four corners of a square around the middle of the map.
    const box = (await page.locator('#map svg.map-svg').boundingBox())!;
    const cx = box.x + box.width * 0.6;
    const cy = box.y + box.height * 0.5;
    for (const [dx, dy] of [
      [-40, -40],
      [40, -40],
      [40, 40],
      [-40, 40],
    ])
      await page.mouse.click(cx + dx, cy + dy);
    await page.waitForSelector('path.closure-draft');
    await page.click('[data-test="closure-save"]');
    const row = '[data-test="closure-list"] li[data-closure]';
    await page.waitForSelector(row, { timeout: 10_000 });
    expect(await page.textContent(row)).toContain('布吉路燃气抢修');
    const [closure] = await closures();
    expect(closure).toMatchObject({ reason: '布吉路燃气抢修', createdBy: 'operator', severity: 'red' });
    expect(closure.polygon).toHaveLength(5);
    await page.waitForSelector(`path.closure[data-closure="${closure.id}"]`);
    await screenshot(page, '40-closure-drawn');

    // A truck inside the square: two fixes confirm the entry.
    const corners = closure.polygon.slice(0, 4);
    const lon = corners.reduce((sum, p) => sum + p[0], 0) / 4;
    const lat = corners.reduce((sum, p) => sum + p[1], 0) / 4;
    const drawn = Date.now();
    const alertRow = '#alert-list .vrow[data-rule="truck.restricted_zone"][data-device="T001"]';
    await waitFor(
      'the truck alert on the dashboard',
      async () => {
        await truck.publishAsync(
          `${platform.root}/truck/C01/T001/telemetry`,
          JSON.stringify({
            ts: Date.now(),
            lat,
            lon,
            speed: 15,
            heading: 0,
            ignition: true,
            alarm: 0,
            sats: 9,
          }),
          { qos: 1 },
        );
        return (await page.$(alertRow)) !== null;
      },
      20_000,
      500,
    );
    console.log(`closure saved → truck alert on the dashboard: ${Date.now() - drawn} ms`);

    // The company sees the closure, on its map and in the list, and cannot lift it.
    const company = await open('c01');
    await company.page.click('[data-test="closures-tool"]');
    await company.page.waitForSelector(`[data-test="closure-list"] li[data-closure="${closure.id}"]`);
    await company.page.waitForSelector(`path.closure[data-closure="${closure.id}"]`);
    expect(await company.page.$('[data-test="closure-lift"]')).toBeNull();
    expect(await company.page.$('[data-test="closure-form"]')).toBeNull();
    await screenshot(company.page, '41-closure-company');

    // Lifted: gone from the operator's list at once and from the company's map within its refresh.
    await page.click(
      `[data-test="closure-list"] li[data-closure="${closure.id}"] [data-test="closure-lift"]`,
    );
    await page.waitForSelector(`[data-test="closure-list"] li[data-closure="${closure.id}"]`, {
      state: 'detached',
    });
    await company.page.waitForSelector(`path.closure[data-closure="${closure.id}"]`, {
      state: 'detached',
      timeout: 15_000,
    });
    expect((await closures()).find((c) => c.id === closure.id)).toMatchObject({ liftedBy: 'operator' });
  });
});
