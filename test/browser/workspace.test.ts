import { dutyResponder, publishTruck, waitForTruckRecords } from '../e2e/helpers';
import { armAppearance, logIn, type Screen, screenshot, useBrowserStand } from './helpers';

/**
 * The transport companies' workspace in headless Chromium against the whole platform: an operator walks
 * the ranking → a company → a truck → its evidence; a company user sees its own page only; a bad publish
 * shows in the integration console within a second; a duty check asked by an operator is answered from the
 * company's dashboard, and one answered over MQTT by the simulator's person on duty moves the company's
 * measured response rate.
 */
describe('workspace in a browser', () => {
  // Yesterday, Asia/Shanghai: the ranking's default period.
  const DAY = 86_400_000;
  const today = Math.floor((Date.now() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;
  const yesterday = today - DAY;

  function screen(layout: 'wall' | 'laptop' = 'laptop'): Promise<Screen> {
    return stand.screen({
      layout,
      viewport: layout === 'wall' ? { width: 1920, height: 1080 } : { width: 1440, height: 900 },
    });
  }

  const stand = useBrowserStand(
    { env: { DUTY_CHECK_SCHEDULE: 'false' } },
    {
      setup: async (s) => {
        const c01 = await s.connect('C01');
        // Yesterday's records of C01: T001 drives cleanly, T002 sends a record out of range (unqualified).
        const at = yesterday + 10 * 3_600_000;
        const fixes = Array.from({ length: 30 }, (_, i) => ({
          ts: at + i * 10_000,
          lat: 22.72 + i * 0.0002,
          lon: 114.24,
          speed: 30,
        }));
        await publishTruck(c01, s.platform.root, 'C01', 'T001', fixes);
        await publishTruck(c01, s.platform.root, 'C01', 'T002', [
          { ts: at, lat: 22.7, lon: 114.2, speed: 20 },
          { ts: at + 10_000, lat: 22.7, lon: 114.2, speed: 250 },
        ]);
        await waitForTruckRecords(s.platform, "owner = 'C01'", 32);
      },
    },
  );

  it('walks the operator’s ranking → a company → a truck → its evidence, sorting and in both layouts', async () => {
    const { page } = await screen('wall');
    await logIn(page, 'operator');
    await page.click('#nav [data-nav="#/scorecard"]');
    await page.waitForSelector('#workspace-view[data-rendered="#/scorecard"] #ranking-table tbody tr', {
      timeout: 60_000,
    });
    expect(await page.locator('#ranking-table tbody tr').count()).toBe(12);
    // Eight items, the score, rank and company; the district's averages below.
    expect(await page.locator('#ranking-table thead th').count()).toBe(11);
    expect(await page.locator('#ranking-table tfoot tr').count()).toBe(1);
    // Sorted by score, highest first, when its header is clicked.
    await page.click('#ranking-table th[data-sort="score"]');
    const scores = (await page.locator('#ranking-table tbody td.score').allTextContents()).map(Number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    await screenshot(page, '20-scorecard-ranking-wall');

    await page.click('#ranking-table tr[data-company="C01"]');
    await page.waitForSelector('#workspace-view[data-rendered="#/scorecard/C01"] #trucks-table', {
      timeout: 60_000,
    });
    expect(await page.locator('#items-table tbody tr').count()).toBe(8);
    // Fix-first order: T002 (unqualified records) comes before the clean T001.
    const trucks = await page
      .locator('#trucks-table tbody tr')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.truck));
    expect(trucks.indexOf('T002')).toBeLessThan(trucks.indexOf('T001'));
    expect(await page.locator('.ws-trend').count()).toBe(1);
    await screenshot(page, '21-scorecard-company-wall');

    await page.click('#trucks-table tr[data-truck="T002"]');
    await page.waitForSelector('#workspace-view[data-rendered="#/scorecard/C01/T002"] #ev-unqualified li');
    const evidence = await page.locator('#ev-unqualified li').allTextContents();
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toMatch(/^T002 .* speed/);
    await screenshot(page, '22-scorecard-truck-evidence');

    // The export of what is on screen, through the scorecard's export.
    const download = page.waitForEvent('download');
    await page.click('[data-export="csv"]');
    expect((await download).suggestedFilename()).toMatch(/^scorecard-C01-.*\.csv$/);
  });

  it('shows a company user its own page only', async () => {
    const { page } = await screen();
    await logIn(page, 'c01');
    await page.click('#nav [data-nav="#/scorecard"]');
    await page.waitForSelector('#workspace-view[data-rendered="#/scorecard/C01"] #company-title', {
      timeout: 60_000,
    });
    expect(await page.locator('#ranking-table').count()).toBe(0);
    // Another company's address leads back to its own.
    await page.evaluate(() => (location.hash = '#/scorecard/C02'));
    await page.waitForSelector('#workspace-view[data-rendered="#/scorecard/C01"] #company-title');
    expect(await page.locator('#company-title').textContent()).toMatch(/^C01 /);
    await screenshot(page, '23-scorecard-company-c01');
  });

  it('shows a bad publish in the integration console within a second, and answers a duty check', async () => {
    const { platform } = stand;
    const c01 = stand.owner('C01');
    const company = await screen();
    await logIn(company.page, 'c01');
    await company.page.click('#nav [data-nav="#/console"]');
    await company.page.waitForSelector('#workspace-view[data-rendered="#/console"] #rejection-table');
    const seen = await armAppearance(company.page, '#rejection-rows tr[data-reason="invalid_json"]');
    const sentAt = Date.now();
    await c01.publishAsync(`${platform.root}/truck/C01/T003/telemetry`, '{"ts": 1, "lat": ', { qos: 1 });
    const at = await seen();
    expect(at).toBeGreaterThan(0);
    const latency = at - sentAt;
    console.log(`bad publish → console row: ${latency} ms`);
    expect(latency).toBeLessThan(1000);
    expect(await company.page.locator('#rejection-rows tr').first().textContent()).toContain('T003');

    // "Try a message": ingest's verdict, nothing stored.
    await company.page.fill('#try-topic', `${platform.root}/truck/C01/T003/telemetry`);
    await company.page.fill('#try-payload', '{"ts": 1777622400000, "lat": 22.7}');
    await company.page.click('#try-submit');
    await company.page.waitForSelector('#try-verdict:has-text("refused")');
    expect(await company.page.locator('#try-verdict').textContent()).toContain('"reason": "schema"');
    expect(await company.page.locator('#rejection-rows tr').count()).toBe(1);

    // An operator asks; the company sees the question with its countdown and answers it.
    const operator = await screen();
    await logIn(operator.page, 'operator');
    await operator.page.click('#nav [data-nav="#/console"]');
    await operator.page.waitForSelector('#workspace-view[data-rendered="#/console"] #duty-ask');
    await operator.page.click('#duty-ask');
    const pending = company.page.locator('#duty-checks li[data-status="pending"]');
    await pending.waitFor({ timeout: 10_000 });
    expect(await pending.locator('.ws-countdown').textContent()).toMatch(/^(09|10):\d\d$/);
    const code = /(\d{4})/.exec((await pending.textContent()) ?? '')![1];
    await screenshot(company.page, '24-console-c01');
    await pending.locator('input').fill(code);
    await pending.locator('button').click();
    await company.page.waitForSelector('#duty-checks li[data-status="in_time"]');
    await operator.page.waitForSelector('#duty-checks li[data-status="in_time"]');
    await screenshot(operator.page, '25-console-operator');
  });

  it('shows a duty check answered over MQTT by the simulator, and the company’s measured rate moving', async () => {
    const responder = await dutyResponder(stand.platform, ['C02']);
    try {
      const company = await screen();
      await logIn(company.page, 'c02');
      await company.page.click('#nav [data-nav="#/console"]');
      const rate = company.page.locator('#duty-rate .ws-rate[data-company="C02"]');
      await rate.waitFor();
      expect(await rate.getAttribute('data-in-time')).toBe('0');
      expect(await rate.getAttribute('data-decided')).toBe('0');

      // Ten seconds to answer (the shortest the settings allow): the simulated person takes 2–8 s.
      const token = await stand.login('operator');
      const put = await fetch(`${stand.gateway}/api/duty-checks/settings`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ perDay: 5, deadlineSec: 10 }),
      });
      expect(put.status).toBe(200);

      const operator = await screen();
      await logIn(operator.page, 'operator');
      await operator.page.click('#nav [data-nav="#/console"]');
      await operator.page.waitForSelector('#workspace-view[data-rendered="#/console"] #duty-ask');
      await operator.page.fill('#duty-checks p input', 'C02');
      await operator.page.click('#duty-ask');

      // The simulator answers over MQTT; the company's console shows it in time, via MQTT, and the rate.
      const answered = company.page.locator('#duty-checks li[data-status="in_time"]');
      await answered.waitFor({ timeout: 15_000 });
      expect(await answered.textContent()).toContain('mqtt');
      await company.page.waitForSelector(
        '#duty-rate .ws-rate[data-company="C02"][data-in-time="1"][data-decided="1"]',
      );
      expect(await rate.textContent()).toContain('100%');
      await operator.page.waitForSelector('#duty-rate .ws-rate[data-company="C02"][data-in-time="1"]');
      await screenshot(company.page, '27-console-duty-rate-c02');
    } finally {
      await responder.stop();
    }
  });

  it('plays a truck’s track back: the truck moves along it and the speed chart’s cursor follows', async () => {
    const { platform } = stand;
    const c01 = stand.owner('C01');
    const start = Date.now() - 30 * 60_000;
    const fixes = Array.from({ length: 30 }, (_, i) => ({
      ts: start + i * 30_000,
      lat: 22.7 + i * 0.002,
      lon: 114.25 + i * 0.001,
      speed: i < 3 ? 0 : 40,
    }));
    await c01.publishAsync(`${platform.root}/truck/C01/T006/telemetry`, JSON.stringify(fixes), { qos: 1 });
    const { page } = await screen('wall');
    await logIn(page, 'c01');
    await page.evaluate(() => (location.hash = '#/playback/T006/1'));
    await page.waitForSelector('#workspace-view[data-rendered="#/playback/T006/1"] #playback-map', {
      timeout: 30_000,
    });
    expect(await page.locator('#playback-slider').getAttribute('max')).toBe('29');
    const at = async () => ({
      cx: Number(await page.locator('#playback-cursor').getAttribute('cx')),
      cy: Number(await page.locator('#playback-cursor').getAttribute('cy')),
      x: Number(await page.locator('svg line.cursor').getAttribute('x1')),
      slider: Number(await page.locator('#playback-slider').inputValue()),
    });
    const before = await at();
    expect(before.slider).toBe(0);
    await page.selectOption('#playback-speed', '300');
    await page.click('#playback-play');
    await page.waitForFunction(
      () => Number((document.querySelector('#playback-slider') as HTMLInputElement).value) >= 10,
    );
    const after = await at();
    // North-east along the track: y falls as the latitude grows (Web Mercator), x grows.
    expect(after.cx).toBeGreaterThan(before.cx);
    expect(after.cy).toBeLessThan(before.cy);
    expect(after.x).toBeGreaterThan(before.x);
    await screenshot(page, '26-playback');
    const download = page.waitForEvent('download');
    await page.click('#playback-export');
    expect((await download).suggestedFilename()).toMatch(/^track-T006-.*\.csv$/);
  });
});
