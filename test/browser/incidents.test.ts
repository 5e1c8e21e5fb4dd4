import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { names } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { demoRegistryWith } from '@lg/testing';
import { hearTrucks } from '../e2e/helpers';
import { logIn, screenshot, useBrowserStand } from './helpers';

const FLOOD = Array.from({ length: 12 }, (_, i) => `TF${String(i + 1).padStart(3, '0')}`);

/**
 * Incidents on the dashboard: twelve trucks of one company fall silent together; their 24 offline alerts
 * fold into one row of the alert list, while a red gas alert raised meanwhile keeps its own row; the
 * incident opens in the drawer with its members, and one acknowledgement with one note takes them all,
 * which another screen shows.
 */
describe('incidents in a browser', () => {
  let dir: string;
  const stand = useBrowserStand(
    () => {
      dir = mkdtempSync(join(tmpdir(), 'lg-incidents-'));
      const registryFile = demoRegistryWith(dir, (data) =>
        data.devices.push(
          ...FLOOD.map((id) => ({
            id,
            kind: 'truck' as const,
            owner: 'C01',
            intervalSec: 10,
            plate: `粤B ${id}`,
          })),
        ),
      );
      return { registryFile, env: { LG_TEST_CLOCK: 'true', TIMER_INTERVAL_MS: '100' } };
    },
    {
      setup: async (s) => {
        for (const viewport of [
          { width: 1920, height: 1080 },
          { width: 1440, height: 900 },
        ])
          await logIn((await s.screen({ layout: 'wall', viewport })).page, 'operator');
        await s.connect('C01');
        await s.connect('P01');
      },
    },
  );

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('folds a flood into one incident row, keeps the red alert on its own, and takes the incident with one note', async () => {
    const [wall, laptop] = stand.screens;
    const { platform, redis } = stand;
    const start = Date.now();
    await hearTrucks(stand.owner('C01'), platform.root, 'C01', FLOOD, start, 0.002);
    await waitFor(
      'the trucks to be heard',
      async () => {
        const presence = await redis.hmget(names(platform.prefix).presence, ...FLOOD);
        return presence.every((p) => p !== null);
      },
      20_000,
    );
    await redis.set(names(platform.prefix).clockOffset, String(6 * 60_000));
    await stand.publishGas('G001', { ts: Date.now(), lel: 60 });

    const incidentRow = '#alert-list .incident-row[data-members="24"]';
    for (const s of stand.screens) {
      await s.page.waitForSelector(incidentRow, { timeout: 20_000 });
      await s.page.waitForSelector('#alert-list .vrow[data-device="G001"][data-severity="red"]');
    }
    // Folded: not one row of the flood's trucks stands on its own.
    expect(await wall.page.locator('#alert-list .vrow[data-device^="TF"]').count()).toBe(0);
    expect(await wall.page.locator('#alert-list .incident-row').count()).toBe(1);
    expect(await wall.page.textContent(incidentRow)).toContain('事件：24 条告警');
    await screenshot(wall.page, '30-incident-row');

    await wall.page.click(incidentRow);
    const detail = '#drawer [data-role="incident-detail"]';
    await wall.page.waitForSelector(detail);
    expect(await wall.page.locator(`${detail} .incident-member`).count()).toBe(24);
    expect(await wall.page.textContent(`${detail} [data-role="incident-counts"]`)).toContain('未确认 24');
    await wall.page.fill(`${detail} [data-role="incident-ack-note"]`, '移动网络故障，已通知运营商');
    await wall.page.click(`${detail} [data-role="incident-ack"]`);
    await wall.page.waitForSelector(`${detail} [data-role="incident-ack-result"]:text("已确认 24 条")`);
    await screenshot(wall.page, '31-incident-acknowledged');
    await laptop.page.waitForSelector(`${incidentRow}.acked`, { timeout: 10_000 });
    // The red alert was left for a person to take on its own.
    await laptop.page.waitForSelector('#alert-list .vrow[data-device="G001"][data-acknowledged="false"]');

    // The other screen's drawer shows the members taken.
    await laptop.page.click(incidentRow);
    await laptop.page.waitForSelector(
      '#drawer [data-role="incident-detail"] .incident-member[data-acknowledged="true"]',
    );
  });

  it('acknowledges the cleared alerts on screen at once with one note, leaving a cleared red one to be taken on its own', async () => {
    const [wall, laptop] = stand.screens;
    const gas = async (id: string, ts: number, lel: number) => stand.publishGas(id, { ts, lel });
    const ts = Date.now();
    // Four detectors go orange and clear again; a fifth goes red and clears: all cleared, none acknowledged.
    for (const [id, lel] of [
      ['G002', 30],
      ['G003', 30],
      ['G004', 30],
      ['G005', 30],
      ['G006', 60],
    ] as const) {
      await gas(id, ts, lel);
      await gas(id, ts + 1000, 2);
      await gas(id, ts + 32_000, 2);
    }
    // The four orange ones opened together: one incident row (gas.lel of P01); the red one on its own.
    const folded = '#alert-list .incident-row.cleared[data-members="4"]';
    await wall.page.waitForSelector(folded);
    await wall.page.waitForSelector(
      '#alert-list .vrow.cleared[data-device="G006"][data-acknowledged="false"]',
    );
    for (const s of [wall, laptop])
      if (await s.page.isVisible('#drawer')) await s.page.click('#drawer-close');
    await wall.page.click('[data-role="bulk-ack-open"]');
    expect(await wall.page.textContent('[data-role="bulk-ack-open"]')).toContain('（4，红色除外）');
    await wall.page.fill('[data-role="bulk-ack-note"]', '探测器校准完毕，告警均已解除');
    await wall.page.click('[data-role="bulk-ack-submit"]');
    await wall.page.waitForSelector('[data-role="bulk-ack-result"]:text("已确认 4 条")');
    // Closed now: off the open list on every screen; the red one stays for a person to take.
    for (const s of [wall, laptop]) {
      await s.page.waitForFunction(
        () =>
          !document.querySelector(
            '#alert-list .vrow[data-device="G002"], #alert-list .vrow[data-device="G005"]',
          ),
      );
      await s.page.waitForSelector(
        '#alert-list .vrow.cleared[data-device="G006"][data-acknowledged="false"]',
      );
    }
    await screenshot(wall.page, '32-bulk-acknowledged');
  });

  it('shows the alarm load of the flood against the EEMUA 191 benchmarks', async () => {
    const [wall] = stand.screens;
    await wall.page.click('#nav [data-nav="#/alarm-load"]');
    await wall.page.waitForSelector('#workspace-view[data-rendered="#/alarm-load"]');
    await wall.page.click('[data-hours="1"]');
    await wall.page.waitForSelector('[data-hours="1"][aria-pressed="true"]');
    // 24 offline alarms and six gas alarms within minutes: far more than 10 in 10 minutes for one operator.
    const alarms = Number(await wall.page.textContent('[data-role="load-alarms"] b'));
    expect(alarms).toBeGreaterThanOrEqual(30);
    expect(await wall.page.textContent('[data-role="load-rating"] b')).toBe('超负荷');
    expect(await wall.page.locator('[data-role="load-flood-table"] tbody tr').count()).toBeGreaterThanOrEqual(
      1,
    );
    expect(await wall.page.textContent('[data-role="load-top-rules"]')).toContain('可燃气体浓度');
    await screenshot(wall.page, '33-alarm-load');
    // Shared by 20 operators, the same hour is no flood.
    await wall.page.fill('[data-role="load-operators"]', '20');
    await wall.page.dispatchEvent('[data-role="load-operators"]', 'change');
    await wall.page.waitForFunction(
      () => document.querySelectorAll('[data-role="load-flood-table"] tbody tr').length === 0,
    );
    await wall.page.click('#nav [data-nav="#/"]');
  });
});
