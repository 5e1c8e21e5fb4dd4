import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { platformLinkTopic, type Alert } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { truckOfflinePack } from '../e2e/helpers';
import { screenshot, type Screen, useBrowserStand } from './helpers';

/**
 * Held alerts on the dashboard: company C02's platform link drops and its two trucks go silent. The
 * operator's list shows the link's alert and none of the trucks' offline alerts; the link alert's detail
 * counts and lists the two it holds.
 */
describe('held alerts in a browser', () => {
  const TRUCKS = ['T004', 'T005'];
  let dir: string;
  let operator: Screen;
  const stand = useBrowserStand(
    () => {
      dir = mkdtempSync(join(tmpdir(), 'lg-inhibit-browser-'));
      // truck.offline after 4 s of silence; device.offline off: one offline alert per truck.
      const pack = truckOfflinePack(dir, 4);
      return {
        env: {
          RULE_PACK_FILE: pack,
          TIMER_INTERVAL_MS: '100',
          INHIBIT_RECHECK_SEC: '1',
          DUTY_CHECK_SCHEDULE: 'false',
        },
      };
    },
    {
      setup: async (s) => {
        operator = await s.open('operator');
        await s.connect('C02');
      },
    },
  );

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the link’s alert, not the trucks’ held ones, and counts them in its detail', async () => {
    const { platform } = stand;
    const c02 = stand.owner('C02');
    const link = (state: string) =>
      c02.publishAsync(platformLinkTopic(platform.root, 'C02'), JSON.stringify({ state }), {
        qos: 1,
        retain: true,
      });
    await link('online');
    for (const [i, id] of TRUCKS.entries()) {
      const fix = { ts: Date.now(), lat: 22.7 + i * 0.01, lon: 114.25, speed: 40, ignition: true, sats: 10 };
      await c02.publishAsync(`${platform.root}/truck/C02/${id}/telemetry`, JSON.stringify(fix), { qos: 1 });
    }
    await link('offline');
    const cause = '#alert-list .vrow[data-rule="platform.link_down"][data-device="C02"]';
    await operator.page.waitForSelector(cause);

    const token = await stand.login('operator');
    await waitFor('both trucks’ offline alerts held', async () => {
      const res = await fetch(`${platform.url('gateway')}/api/alerts?owner=C02&active=true`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const alerts = (await res.json()) as Alert[];
      return alerts.filter((a) => a.rule === 'truck.offline' && a.inhibitedBy === 'link:C02').length === 2;
    });
    await operator.page.click(cause);
    await operator.page.waitForSelector('#drawer [data-role="held-list"] li:nth-child(2)');
    expect(await operator.page.textContent('#drawer [data-role="held"] h3')).toBe('被抑制的告警：2 条');
    for (const id of TRUCKS) {
      expect(await operator.page.locator(`#alert-list .vrow[data-device="${id}"]`).count()).toBe(0);
      expect(
        await operator.page
          .locator(`#drawer [data-role="held-list"] li[data-alert-id^="truck.offline~${id}~"]`)
          .count(),
      ).toBe(1);
    }
    await screenshot(operator.page, '45-held-under-link-alert');
    expect(operator.errors).toEqual([]);
  });
});
