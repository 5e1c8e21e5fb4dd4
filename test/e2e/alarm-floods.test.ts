import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { names, type Incident, type IncidentAckResult, type IncidentView } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { hearTrucks, type LiveClient, registryWithTrucks, useOperatorStand } from './helpers';

/** The fleet of one company that goes silent together: 50 trucks of C01 besides the registry's own. */
const FLOOD = Array.from({ length: 50 }, (_, i) => `TF${String(i + 1).padStart(3, '0')}`);

/**
 * An alarm flood on the built apps: fifty trucks of one company go silent together (a mobile network
 * outage). Their hundred offline alerts (truck.offline and device.offline each) open as one incident,
 * announced on `/live` to the operators and to that company only, and taken with one acknowledgement;
 * a red gas alert raised during the flood reaches every operator's screen at once as itself, and the
 * incident's acknowledgement leaves it alone.
 */
describe('alarm floods: incidents', () => {
  let dir: string;
  /** Two operator screens: the stand's own feed and a second one. */
  let screens: LiveClient[] = [];
  const incidents = new Map<string, Incident[]>();

  const api = (path: string, init: RequestInit = {}, bearer = stand.token) =>
    fetch(`${stand.gateway}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', ...init.headers },
    });
  const record = (name: string, client: LiveClient) => {
    incidents.set(name, []);
    client.socket.on('incident', (i) => incidents.get(name)!.push(i));
  };

  const stand = useOperatorStand(
    () => {
      dir = mkdtempSync(join(tmpdir(), 'lg-floods-'));
      return {
        registryFile: registryWithTrucks(dir, FLOOD, 'C01', '洪泛测试', 'F'),
        env: { LG_TEST_CLOCK: 'true', TIMER_INTERVAL_MS: '100' },
      };
    },
    ['C01', 'P01'],
    async (s) => {
      screens = [s.live, await s.liveOf(s.token)];
      record('operator', screens[0]);
      record('c01', await s.liveOf(await s.login('c01')));
      record('c02', await s.liveOf(await s.login('c02')));
    },
  );

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('groups fifty silent trucks into one incident, keeps a red gas alert on every screen, and takes the incident at once', async () => {
    const { platform, redis } = stand;
    const start = Date.now();
    await hearTrucks(stand.owner('C01'), platform.root, 'C01', FLOOD, start, 0.001);
    await stand.waitForTrucksHeard(FLOOD);

    // The network goes down: six minutes of silence on the test clock.
    await redis.set(names(platform.prefix).clockOffset, String(6 * 60_000));
    const isFlood = (device: string) => FLOOD.includes(device);
    await waitFor(
      'a hundred offline alerts (truck.offline and device.offline of each truck) on the operator screen',
      () =>
        new Set(screens[0].alerts.filter((a) => isFlood(a.device) && a.active).map((a) => a.id)).size === 100,
      30_000,
    );

    // During the flood, a detector reads 60 % LEL: red, on every operator screen at once, as itself.
    await stand.publishGas('G001', { ts: Date.now(), lel: 60 });
    const reds = await Promise.all(
      screens.map((s) =>
        s.waitForAlert((a) => a.device === 'G001' && a.severity === 'red', 'the red gas alert'),
      ),
    );
    expect(reds[0].id).toBe(reds[1].id);

    const floodAlerts = screens[0].alerts.filter((a) => isFlood(a.device));
    const ids = new Set(floodAlerts.map((a) => a.incident));
    expect(ids.size).toBe(1);
    const [incidentId] = [...ids];
    expect(incidentId).toMatch(/^i~offline~C01~/);
    expect(reds[0].incident).not.toBe(incidentId);

    const listed = (await (await api('/api/incidents')).json()) as IncidentView[];
    const flood = listed.filter((i) => i.owner === 'C01');
    expect(flood).toHaveLength(1);
    expect(flood[0]).toMatchObject({
      id: incidentId,
      size: 100,
      open: 100,
      unacknowledged: 100,
      red: 0,
      kind: 'truck',
    });

    // The incident was announced to the operators and to C01, never to another company.
    await waitFor('the incident announced with every member', () =>
      incidents.get('operator')!.some((i) => i.id === incidentId && i.size >= 100),
    );
    await waitFor('the incident announced to C01', () =>
      incidents.get('c01')!.some((i) => i.id === incidentId),
    );
    expect(incidents.get('c02')!.filter((i) => i.id === incidentId)).toEqual([]);
    const forOther = (await (
      await api('/api/incidents', {}, await stand.login('c02'))
    ).json()) as IncidentView[];
    expect(forOther.map((i) => i.id)).not.toContain(incidentId);
    expect((await api(`/api/incidents/${incidentId}`, {}, await stand.login('c02'))).status).toBe(404);

    // One acknowledgement, one note, for the hundred members: each through the alert's own acknowledgement.
    const res = await api(`/api/incidents/${incidentId}/ack`, {
      method: 'POST',
      body: JSON.stringify({ note: '移动网络故障 / mobile network outage', severity: 'yellow' }),
    });
    expect(res.status).toBe(200);
    const result = (await res.json()) as IncidentAckResult;
    expect(result.acknowledged).toHaveLength(100);
    expect(result.skipped).toEqual([]);
    expect(result.incident).toMatchObject({ unacknowledged: 0, open: 100 });
    await waitFor('every member acknowledged on /live', () =>
      floodAlerts.every((m) =>
        screens[1].alerts.some((a) => a.id === m.id && a.acknowledged && a.note?.startsWith('移动网络')),
      ),
    );
    const gas = (await (await api(`/api/alerts/${encodeURIComponent(reds[0].id)}`)).json()) as {
      acknowledged: boolean;
    };
    expect(gas.acknowledged).toBe(false);

    const bad = await api('/api/incidents?limit=0');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toContain('limit');
  });

  it('acknowledges cleared alerts by filter with one note, never a red one, and refuses a bad request by name', async () => {
    const { token } = stand;
    const gas = (id: string, ts: number, lel: number) => stand.publishGas(id, { ts, lel });
    const ts = Date.now();
    const devices = ['G010', 'G011', 'G012', 'G013'];
    for (const id of devices) {
      await gas(id, ts, id === 'G013' ? 60 : 30);
      await gas(id, ts + 1000, 2);
      await gas(id, ts + 32_000, 2);
    }
    await waitFor('four cleared gas alerts', () =>
      devices.every((d) => screens[0].alerts.some((a) => a.device === d && !a.active)),
    );
    const post = (body: unknown, bearer = token) =>
      api('/api/alerts/ack-cleared', { method: 'POST', body: JSON.stringify(body) }, bearer);

    const noNote = await post({ kind: 'gas' });
    expect(noNote.status).toBe(400);
    expect(((await noNote.json()) as { message: string }).message).toContain('note');
    expect((await post({ note: 'x', severity: 'red' })).status).toBe(400);
    expect((await post({ note: 'x', ids: ['a~b~c'], kind: 'gas' })).status).toBe(400);
    expect((await post({ note: 'x', owner: 'C02' }, await stand.login('c01'))).status).toBe(403);

    const res = await post({ note: '管网检修结束 / maintenance over', kind: 'gas', owner: 'P01' });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { acknowledged: string[]; more: boolean };
    const taken = screens[0].alerts.filter((a) => result.acknowledged.includes(a.id)).map((a) => a.device);
    expect(new Set(taken)).toEqual(new Set(['G010', 'G011', 'G012']));
    expect(result.more).toBe(false);
    await waitFor('the acknowledgements on /live', () =>
      ['G010', 'G011', 'G012'].every((d) => screens[1].alerts.some((a) => a.device === d && a.acknowledged)),
    );
    const red = (await (await api('/api/alerts?kind=gas&severity=red&active=false')).json()) as Array<{
      device: string;
      acknowledged: boolean;
    }>;
    expect(red.find((a) => a.device === 'G013')?.acknowledged).toBe(false);
  });
});
