import type { Alert, NotificationDelivery } from '@lg/contracts';
import { waitFor } from '@lg/services';
import { addDays, duration, localDate, localDay, type Digest } from '@lg/notifications';
import { useNotifyStand } from './helpers';

/** Nothing climbs in this test, so that every figure of the day is known. */
const ESCALATION_DELAYS = 'red=never,orange=never,yellow=never,blue=never';
const TZ = 'Asia/Shanghai';

type DigestView = Digest & { deliveries: NotificationDelivery[] };

/**
 * The daily digest on the built apps and a real SMTP server and webhook receiver: yesterday's alerts of a
 * street (a red and an orange gas alert) and of a company (a red SOS its company took), sent on an
 * operator's request, read back from the mailbox with the figures the API gives; who may see which digest.
 */
describe('daily digest, end to end', () => {
  let companyToken = '';
  const stand = useNotifyStand(
    { env: { ESCALATION_DELAYS }, worker: { NOTIFY_GATHER_MS: '200' } },
    [],
    async (s) => {
      companyToken = await s.login('c01');
    },
  );

  const api = (path: string, token: string, method = 'GET', body?: object) =>
    fetch(`${stand.gateway}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const digestOf = async (scope: string, date: string): Promise<DigestView> => {
    const res = await api(`/api/digests/${scope}?date=${date}`, stand.token);
    expect(res.status).toBe(200);
    return (await res.json()) as DigestView;
  };

  it('mails a street’s and a company’s digest of yesterday with the figures of their alerts', async () => {
    const { platform, receivers, token: operatorToken, live: operator } = stand;
    const date = addDays(localDate(Date.now(), TZ), -1);
    const day = localDay(date, TZ);
    const at = (hour: number) => day.from + hour * 3_600_000;
    // G001 and G002 are P01's detectors in grid GR-BJ11, street ST-BJ (布吉); T001 is C01's truck.
    const chain = platform.registry.chainOf(platform.registry.device('G001')!);
    const street = chain.find((s) => s.level === 'street')!.unit;
    expect(street.id).toBe('ST-BJ');
    await stand.connect('P01');
    const c01 = await stand.connect('C01');
    const gas = (device: string, ts: number, lel: number) => stand.publishGas(device, { ts, lel });
    await gas('G001', at(10), 80);
    await gas('G002', at(11), 30);
    await c01.publishAsync(
      `${platform.root}/truck/C01/T001/telemetry`,
      JSON.stringify({ ts: at(9), lat: 22.7201, lon: 114.2468, speed: 0, heading: 90, alarm: 1 }),
      { qos: 1 },
    );
    const red = await operator.waitForAlert((a) => a.device === 'G001' && a.rule === 'gas.lel', 'G001 red');
    const orange = await operator.waitForAlert((a) => a.device === 'G002' && a.rule === 'gas.lel', 'G002');
    const sos = await operator.waitForAlert((a) => a.device === 'T001' && a.rule === 'truck.sos', 'T001 SOS');
    expect([red.severity, orange.severity, sos.severity]).toEqual(['red', 'orange', 'red']);
    expect(red.openedAt).toBe(new Date(at(10)).toISOString());

    // The operator takes the red gas alert; the company takes its truck's SOS (its own taking of a red one).
    const took = await api(`/api/alerts/${encodeURIComponent(red.id)}/ack`, operatorToken, 'POST', {
      severity: 'red',
    });
    expect(took.status).toBe(200);
    const acked = (await took.json()) as Alert;
    expect(
      (await api(`/api/alerts/${encodeURIComponent(sos.id)}/ack`, companyToken, 'POST', {})).status,
    ).toBe(200);
    const redAckSec = Math.round((Date.parse(acked.ackedAt!) - at(10)) / 1000);

    // The API: the street's day as the figures say it.
    let st: DigestView | undefined;
    await waitFor('the street digest with both gas alerts', async () => {
      st = await digestOf('ST-BJ', date);
      return st.alerts.byRule.some((r) => r.rule === 'gas.lel' && r.total === 2);
    });
    expect(st!.scope).toEqual({ kind: 'street', id: 'ST-BJ', name: street.name });
    expect(st!.from).toBe(new Date(day.from).toISOString());
    expect(st!.alerts.byRule.find((r) => r.rule === 'gas.lel')!.bySeverity).toEqual({
      red: 1,
      orange: 1,
      yellow: 0,
      blue: 0,
    });
    expect(st!.handling.bySeverity.red).toMatchObject({ acknowledged: 1, medianSec: redAckSec });
    expect(st!.alerts.worst[0]).toMatchObject({ id: red.id, severity: 'red', acknowledged: true });
    expect(st!.open.items.some((a) => a.id === orange.id && !a.acknowledged)).toBe(true);

    // An operator sends both digests now.
    for (const scope of ['ST-BJ', 'C01']) {
      const sent = await api(`/api/digests/${scope}/send?date=${date}`, operatorToken, 'POST');
      expect(sent.status).toBe(202);
      expect(await sent.json()).toMatchObject({ scope, date, run: expect.stringMatching(/^op-/) });
    }
    const streetMail = street.duty.map((c) => c.email).filter((e): e is string => !!e);
    const company = platform.registry.company('C01')!;
    const companyMail = company.duty.map((c) => c.email).filter((e): e is string => !!e);
    expect(streetMail.length * companyMail.length).toBeGreaterThan(0);
    const digestMails = () => receivers.of('email').filter((m) => m.subject?.includes(`${date} 日报`));
    await waitFor(
      'the digests in the mailbox and at the webhook',
      () =>
        [...streetMail, ...companyMail].every((to) => digestMails().some((m) => m.to === to)) &&
        receivers.of('webhook').filter((m) => m.subject?.includes(`${date} 日报`)).length === 2,
      15_000,
    );

    // The street's mail carries the API's figures (read again now: the mail was built a moment ago).
    const mail = digestMails().find((m) => m.to === streetMail[0])!;
    const now = await digestOf('ST-BJ', date);
    expect(mail.subject).toBe(`【龙岗应急】${street.name} ${date} 日报 · Daily digest`);
    expect(mail.text).toContain(`一、昨日告警 Alerts: ${now.alerts.total}（`);
    expect(mail.text).toContain('可燃气体浓度 / Combustible gas: 2（红色1条，橙色1条）');
    expect(mail.text).toContain(
      `红色 red: 确认 acknowledged 1/1，中位 median ${duration(redAckSec)[1]}，最慢 slowest ${duration(redAckSec)[1]}（G001）`,
    );
    expect(mail.text).toContain(
      `三、未结事项 Open items: ${now.open.total}（未确认 unacknowledged ${now.open.unacknowledged}`,
    );
    expect(mail.text).toMatch(/- \[橙色 orange\] G002 可燃气体浓度/);
    expect(mail.html).toContain(`<span data-figure="total">${now.alerts.total}</span>`);
    expect(mail.html).toContain('data-severity="red">1</div>');

    // The company's: its SOS, taken by the company.
    const cmail = digestMails().find((m) => m.to === companyMail[0])!;
    const c = await digestOf('C01', date);
    expect(c.alerts.worst[0]).toMatchObject({ id: sos.id, openedAt: new Date(at(9)).toISOString() });
    expect(cmail.subject).toBe(`【龙岗应急】${company.name} ${date} 日报 · Daily digest`);
    expect(cmail.text).toContain('紧急报警 / SOS: 1（红色1条）');
    expect(cmail.text).toMatch(/红色 red: 确认 acknowledged 1\/1/);
    expect(cmail.text).not.toContain('G001');

    // The deliveries, with their states, on the digest; nothing was sent twice.
    await waitFor('the street digest’s deliveries sent', async () => {
      const d = await digestOf('ST-BJ', date);
      return (
        d.deliveries.length === streetMail.length + 1 &&
        d.deliveries.every(
          (x) => x.transition === 'digest' && (x.state === 'sent' || x.state === 'delivered'),
        )
      );
    });
    const ids = receivers.messages.map((m) => `${m.channel}:${m.delivery}`);
    expect(new Set(ids).size).toBe(ids.length);
  }, 90_000);

  it('shows a company user its own company’s digest only; sending is for operators; bad days are refused', async () => {
    const operatorToken = stand.token;
    const yesterday = addDays(localDate(Date.now(), TZ), -1);
    const own = await api(`/api/digests/C01?date=${yesterday}`, companyToken);
    expect(own.status).toBe(200);
    expect(((await own.json()) as DigestView).scope.id).toBe('C01');
    // Default: yesterday.
    expect(((await (await api('/api/digests/C01', companyToken)).json()) as DigestView).date).toBe(yesterday);
    for (const other of ['C02', 'ST-BJ']) {
      const res = await api(`/api/digests/${other}`, companyToken);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toMatch(
        /only its own company's digest \(C01\)/,
      );
    }
    const send = await api('/api/digests/C01/send', companyToken, 'POST');
    expect(send.status).toBe(403);
    expect(((await send.json()) as { message: string }).message).toMatch(/operators only/);

    expect((await api('/api/digests/ST-ZZ', operatorToken)).status).toBe(404);
    expect((await api('/api/digests/C02', operatorToken)).status).toBe(200);
    const tomorrow = addDays(localDate(Date.now(), TZ), 1);
    const cases: Array<[string, RegExp]> = [
      [`date=${tomorrow}`, /date: must be from .* to /],
      ['date=2020-01-01', /older alerts have left the live store/],
      ['date=2026-02-30', /not a calendar date/],
      ['date=yesterday', /must be a date YYYY-MM-DD/],
      ['day=2026-01-01', /day/],
    ];
    for (const [query, message] of cases) {
      const res = await api(`/api/digests/C01?${query}`, operatorToken);
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(message);
    }
    expect((await api('/api/digests/%3Cscript%3E', operatorToken)).status).toBe(400);
  }, 30_000);
});
