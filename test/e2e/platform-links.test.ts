import type { MqttClient } from 'mqtt';
import type { PlatformLinkChange, PlatformLinkView } from '@lg/contracts';
import type { DutyResponder } from '@lg/simulators/duty-responder';
import { Platform } from '@lg/testing';
import { waitFor } from '@lg/services';
import { connectDevice, connectLive, dutyResponder, login, type LiveSocket } from './helpers';

interface Listing {
  from: string;
  to: string;
  links: PlatformLinkView[];
}

/**
 * Platform link tracking end to end with the built ingest and gateway: the simulator's company platform
 * says it is online, is killed without a DISCONNECT so that the broker publishes its last will, and comes
 * back; the history, the offline time and the `/live` events show it, to the company and to operators only.
 */
describe('platform links, end to end', () => {
  let platform: Platform;
  let gateway: string;
  const tokens: Record<string, string> = {};
  const sockets: LiveSocket[] = [];
  const live: Record<string, PlatformLinkChange[]> = { c01: [], c02: [], operator: [] };
  let responder: DutyResponder | undefined;
  let c01: MqttClient | undefined;

  beforeAll(async () => {
    platform = await Platform.start({ apps: ['ingest', 'gateway'], env: { DUTY_CHECK_SCHEDULE: 'false' } });
    gateway = platform.url('gateway');
    for (const user of ['c01', 'c02', 'operator']) {
      tokens[user] = await login(gateway, user, user);
      sockets.push(await connectLive(gateway, tokens[user], (s) => s.on('link', (c) => live[user].push(c))));
    }
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await responder?.stop();
    await c01?.endAsync();
    await platform?.stop();
  });

  const get = async <T>(user: string, path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${gateway}${path}`, { headers: { authorization: `Bearer ${tokens[user]}` } });
    return { status: res.status, body: (await res.json()) as T };
  };
  const startPlatform = () => dutyResponder(platform, ['C01']);
  const states = (changes: PlatformLinkChange[]) =>
    changes.filter((c) => c.company === 'C01').map((c) => c.state);

  it('says unknown for a company whose platform never published its status', async () => {
    const all = await get<Listing>('operator', '/api/links');
    expect(all.status).toBe(200);
    expect(all.body.links.length).toBeGreaterThan(1);
    expect(all.body.links.every((l) => l.state === 'unknown' && l.offlineMs === 0)).toBe(true);
  });

  it('records online, the last will’s offline on a crash, and online again; offline time counted', async () => {
    responder = await startPlatform();
    await waitFor('C01 online on operator /live', () => states(live.operator).includes('online'));

    await responder.abort();
    responder = undefined;
    await waitFor('C01 offline (the last will) on /live', () => states(live.operator).at(-1) === 'offline');
    const down = await get<PlatformLinkView>('c01', '/api/links/C01');
    expect(down.status).toBe(200);
    expect(down.body.state).toBe('offline');

    responder = await startPlatform();
    await waitFor('C01 online again on /live', () => states(live.operator).length === 3);
    expect(states(live.operator)).toEqual(['online', 'offline', 'online']);
    expect(states(live.c01)).toEqual(['online', 'offline', 'online']);
    // Another company sees nothing of C01's link.
    expect(live.c02).toEqual([]);

    const one = await get<PlatformLinkView>('c01', '/api/links/C01');
    expect(one.body).toMatchObject({ company: 'C01', state: 'online', drops: 1 });
    expect(one.body.changes!.map((c) => c.state)).toEqual(['online', 'offline', 'online']);
    const [, wentDown, cameBack] = one.body.changes!.map((c) => Date.parse(c.at));
    expect(one.body.offlineMs).toBe(cameBack - wentDown);
    expect(one.body.offlineMs).toBeGreaterThan(0);
    expect(one.body.since).toBe(one.body.changes![2].at);

    // A company user gets its own link only; operators every company's.
    const mine = await get<Listing>('c01', '/api/links');
    expect(mine.body.links.map((l) => l.company)).toEqual(['C01']);
    expect(mine.body.links[0]).toMatchObject({ state: 'online', drops: 1, offlineMs: one.body.offlineMs });
    expect((await get('c02', '/api/links/C01')).status).toBe(403);
    expect((await get<Listing>('c02', '/api/links')).body.links).toEqual([
      { company: 'C02', state: 'unknown', offlineMs: 0, drops: 0 },
    ]);
    const all = await get<Listing>('operator', '/api/links');
    expect(all.body.links.find((l) => l.company === 'C01')?.state).toBe('online');
    expect((await get('operator', '/api/links/NOPE')).status).toBe(404);
    expect((await get('operator', '/api/links?from=yesterday')).status).toBe(400);
  });

  it('takes a clean stop’s offline, keeps no repeated state and refuses a payload off the contract', async () => {
    // The simulator stopping says offline itself (a clean DISCONNECT fires no will).
    await responder!.stop();
    responder = undefined;
    await waitFor('C01 offline after the clean stop', () => states(live.c01).length === 4);
    // The company's own forwarder, following the contract.
    c01 = await connectDevice(platform.services.mqttUrl, 'C01');
    const topic = `${platform.root}/_status/C01/platform/link`;
    const say = (payload: string) => c01!.publishAsync(topic, payload, { qos: 1, retain: true });
    await say(JSON.stringify({ state: 'online' }));
    await say('down');
    await say(JSON.stringify({ state: 'online', note: 'said twice' }));
    await say(JSON.stringify({ state: 'offline' }));
    await waitFor('the forwarder’s offline on /live', () => states(live.c01).length === 6);
    const one = await get<PlatformLinkView>('operator', '/api/links/C01');
    const expected = ['online', 'offline', 'online', 'offline', 'online', 'offline'];
    expect(one.body.changes!.map((c) => c.state)).toEqual(expected);
    expect(one.body.drops).toBe(3);
    expect(states(live.operator)).toEqual(expected);
    expect(live.c02).toEqual([]);
  });
});
