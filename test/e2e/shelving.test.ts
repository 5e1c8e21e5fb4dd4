import { names, partitionOf, type Alert, type AlertTransition } from '@lg/contracts';
import type { ShelfRequest } from '@lg/alerts';
import { waitFor } from '@lg/services';
import { useOperatorStand } from './helpers';

/** Orange climbs every 2 s, so that a shelved orange alert that does not climb shows against one that does. */
const ESCALATION_DELAYS = 'red=1h,orange=2s,yellow=1h,blue=never';

interface ShelveResult {
  shelved: Alert[];
  request?: ShelfRequest;
}

/**
 * Shelving on the built apps: an operator shelves a nuisance gas alert with a reason (on every screen and in
 * the history, listed as shelved, not climbing its chain while a control alert climbs); a rise to red
 * unshelves it at once; a red alert waits for a second, different operator; an operator brings one back by
 * hand. Bad requests are refused with their reason, and a company's user cannot shelve.
 */
describe('shelving, end to end', () => {
  let chief = '';
  const stand = useOperatorStand(
    { env: { ESCALATION_DELAYS, TIMER_INTERVAL_MS: '100' } },
    ['P01'],
    async (s) => {
      chief = await s.login('chief');
    },
  );

  const api = (path: string, token: string, body?: unknown) => stand.api(path, token, body);
  const shelve = (id: string, token: string, body: unknown) =>
    api(`/api/alerts/${encodeURIComponent(id)}/shelve`, token, body);
  const gas = (device: string, lel: number) => stand.publishGas(device, { ts: Date.now(), lel });
  const latest = (id: string) => [...stand.live.alerts].reverse().find((a) => a.id === id);

  const history = (id: string, until: (h: AlertTransition[]) => boolean) => stand.history(id, until);

  it('shelves a nuisance alert with a reason, holds its climb, and a rise to red brings it back', async () => {
    const { platform, redis, token: operator, live: screen } = stand;
    await gas('G001', 30);
    await gas('G003', 30);
    const nuisance = await screen.waitForAlert((a) => a.device === 'G001' && a.severity === 'orange', 'G001');
    const control = await screen.waitForAlert((a) => a.device === 'G003' && a.severity === 'orange', 'G003');

    // Refused with their reason: too short, no reason, a company's user.
    const short = await shelve(nuisance.id, operator, { reason: 'x', minutes: 2 });
    expect(short.status).toBe(400);
    expect(await short.text()).toMatch(/minutes/);
    expect((await shelve(nuisance.id, operator, { minutes: 30 })).status).toBe(400);
    const c01 = await stand.login('c01');
    expect((await shelve(nuisance.id, c01, { reason: 'x', minutes: 30 })).status).toBe(403);

    const res = await shelve(nuisance.id, operator, {
      reason: '探头受潮误报',
      minutes: 30,
      severity: 'orange',
    });
    expect(res.status).toBe(200);
    const result = (await res.json()) as ShelveResult;
    expect(result.request).toBeUndefined();
    expect(result.shelved[0].shelf).toMatchObject({
      by: 'operator',
      reason: '探头受潮误报',
      severity: 'orange',
    });
    await screen.waitForAlert(
      (a) => a.id === nuisance.id && a.shelf !== undefined,
      'the shelved alert on screen',
    );
    const listed = (await (await api('/api/shelves', operator)).json()) as { alerts: Alert[] };
    expect(listed.alerts.map((a) => a.id)).toEqual([nuisance.id]);

    // The control climbs; the shelved one's climb is held (its timer pushed on), and it stays where it was.
    await screen.waitForAlert(
      (a) => a.id === control.id && a.escalation.level !== control.escalation.level,
      'the control alert to climb',
    );
    const escalations = names(platform.prefix).partitionEscalations(partitionOf('G001', 4));
    await waitFor('the shelved alert’s climb to be held', async () => {
      const due = await redis.zscore(escalations, nuisance.id);
      return due !== null && Number(due) > Date.now() + 30_000;
    });
    expect(latest(nuisance.id)!.escalation.level).toBe(nuisance.escalation.level);

    // Safety first: a rise above the shelved severity is seen again, at once.
    await gas('G001', 60);
    const red = await screen.waitForAlert((a) => a.id === nuisance.id && a.severity === 'red', 'the raise');
    expect(red.shelf).toBeUndefined();
    expect(((await (await api('/api/shelves', operator)).json()) as { alerts: Alert[] }).alerts).toEqual([]);
    const h = await history(nuisance.id, (l) => l.some((t) => t.type === 'unshelved'));
    expect(h.find((t) => t.type === 'shelved')).toMatchObject({ by: 'operator', note: '探头受潮误报' });
    expect(h.find((t) => t.type === 'unshelved')).toMatchObject({ by: 'system', severity: 'red' });
  });

  it('shelves a red alert only once a second, different operator confirms, and brings it back by hand', async () => {
    const { token: operator, live: screen } = stand;
    await gas('G002', 60);
    const red = await screen.waitForAlert((a) => a.device === 'G002' && a.severity === 'red', 'G002 red');
    const asked = (await (
      await shelve(red.id, operator, { reason: '检修中，已现场确认', minutes: 60 })
    ).json()) as ShelveResult;
    expect(asked.shelved).toEqual([]);
    expect(asked.request).toMatchObject({ by: 'operator', alerts: [{ id: red.id, severity: 'red' }] });
    const id = asked.request!.id;
    expect(
      (await api(`/api/alerts/${encodeURIComponent(red.id)}`, operator).then((r) => r.json())) as Alert,
    ).not.toHaveProperty('shelf');
    const own = await api(`/api/shelves/requests/${id}/confirm`, operator, {});
    expect(own.status).toBe(409);
    expect(await own.text()).toMatch(/different operator/);
    const pending = (await (await api('/api/shelves', chief)).json()) as { requests: ShelfRequest[] };
    expect(pending.requests.map((r) => r.id)).toEqual([id]);

    const confirmed = (await (
      await api(`/api/shelves/requests/${id}/confirm`, chief, {})
    ).json()) as ShelveResult;
    expect(confirmed.shelved[0].shelf).toMatchObject({
      by: 'operator',
      confirmedBy: 'chief',
      severity: 'red',
    });
    expect((await api(`/api/shelves/requests/${id}/confirm`, chief, {})).status).toBe(404);
    await screen.waitForAlert(
      (a) => a.id === red.id && a.shelf?.confirmedBy === 'chief',
      'the confirmed shelf',
    );

    const back = await api(`/api/alerts/${encodeURIComponent(red.id)}/unshelve`, chief, {});
    expect(back.status).toBe(200);
    await screen.waitForAlert(
      (a) => a.id === red.id && a.shelf === undefined && a.updatedAt >= red.updatedAt && latest(red.id) === a,
      'the alert back on screen',
    );
    expect((await api(`/api/alerts/${encodeURIComponent(red.id)}/unshelve`, chief, {})).status).toBe(409);
    const h = await history(red.id, (l) => l.some((t) => t.type === 'unshelved'));
    expect(h.find((t) => t.type === 'unshelved')).toMatchObject({ by: 'chief' });
  });
});
