import { publishTruck, waitForTruckRecords } from '../e2e/helpers';
import { logIn, screenshot, useBrowserStand } from './helpers';

/**
 * The scorecard's evidence on the track playback, in real Chromium on the built ingest and gateway: a
 * truck that went silent for 8 minutes while driving and sent one fix 5.5 km off its road shows the gap
 * dashed and the drifted fix as a cross, exactly as many as `GET /api/trucks/{id}/evidence` and the
 * track's drift flags count; another company cannot read that evidence.
 */
describe('evidence on the track playback', () => {
  const base = Math.floor((Date.now() - 25 * 60_000) / 1000) * 1000;
  // Every 30 s northwards; after the tenth fix 8 minutes of silence (still driving); the sixteenth 5.5 km off.
  const fixes = Array.from({ length: 20 }, (_, i) => ({
    ts: base + i * 30_000 + (i >= 10 ? 480_000 : 0),
    lat: 22.7 + i * 0.001 + (i === 15 ? 0.05 : 0),
    lon: 114.25,
    speed: 40,
  }));

  const stand = useBrowserStand(
    { apps: ['ingest', 'gateway'] },
    {
      setup: async (s) => {
        await publishTruck(await s.connect('C01'), s.platform.root, 'C01', 'T007', fixes);
        await waitForTruckRecords(s.platform, "device = 'T007'", 20);
      },
    },
  );

  it('draws the track’s gap dashed and its drifted fix as a cross, as the scorecard counts them', async () => {
    const gateway = stand.gateway;
    const token = await stand.login('c01');
    const api = async <T>(path: string, who = token): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${gateway}${path}`, { headers: { authorization: `Bearer ${who}` } });
      return { status: res.status, body: (await res.json()) as T };
    };
    const window = `from=${base - 60_000}&to=${Date.now() + 1000}`;
    const evidence = await api<{
      gaps: Array<{ from: number; seconds: number }>;
      drifts: Array<{ ts: number }>;
    }>(`/api/trucks/T007/evidence?${window}`);
    expect(evidence.status).toBe(200);
    expect(evidence.body.gaps).toHaveLength(1);
    expect(evidence.body.gaps[0]).toMatchObject({ from: fixes[9].ts, seconds: 510 });
    const track = await api<{ points: Array<{ ts: string; why?: string[] }> }>(
      `/api/trucks/T007/track?${window}`,
    );
    const flagged = track.body.points.filter((p) => p.why?.includes('drift'));
    expect(flagged.map((p) => Date.parse(p.ts))).toContain(fixes[15].ts);
    // One cross a drifted fix: flagged on arrival, measured by the scorecard's rules, or both.
    const marks = new Set([...flagged.map((p) => Date.parse(p.ts)), ...evidence.body.drifts.map((d) => d.ts)])
      .size;
    // Another company's truck is not found, its evidence no more than its track.
    expect((await api(`/api/trucks/T007/evidence?${window}`, await stand.login('c02'))).status).toBe(404);

    const s = await stand.screen({
      layout: 'laptop',
      viewport: { width: 1440, height: 900 },
    });
    await logIn(s.page, 'c01');
    await s.page.evaluate(() => (location.hash = '#/playback/T007/1'));
    await s.page.waitForSelector('#workspace-view[data-rendered="#/playback/T007/1"] #playback-map', {
      timeout: 30_000,
    });
    expect(await s.page.locator('#playback-map line.gap-mark').count()).toBe(1);
    expect(await s.page.locator('#playback-map path.drift-mark').count()).toBe(marks);
    expect(await s.page.locator('#playback-map line.gap-mark title').textContent()).toContain('510 秒');
    expect(await s.page.textContent('#playback-evidence')).toBe(
      `考核证据：轨迹断点 1 处（虚线），漂移点 ${marks} 个（×）。`,
    );
    await screenshot(s.page, '33-playback-evidence');
  });
});
