import type { NotificationDelivery } from '@lg/contracts';
import { DEMO_NOTIFY_CREDENTIALS, postReceipts, waitFor } from '@lg/services';
import { DEMO_LINK_SECRET, linkToken, webhookSignature } from '@lg/notifications';
import { login, useNotifyStand } from './helpers';

/** Red climbs a step every 4 s in this test (the default is 5 min). */
const ESCALATION_DELAYS = 'red=4s,orange=1h,yellow=1h,blue=never';
/** The key the SMS gateway signs its delivery receipts with, and the gateway checks. */
const RECEIPT_SECRET = DEMO_NOTIFY_CREDENTIALS.smsReceiptSecret;

/**
 * Notifications on the built apps and real far ends (an SMTP server, an SMS gateway and a webhook receiver
 * on loopback): a red gas alert reaches the grid's duty officer by SMS, e-mail and webhook; unacknowledged,
 * it reaches the community; the link in the e-mail acknowledges it as that officer, and a dashboard sees it.
 */
describe('notifications, end to end', () => {
  /** The red alert of the first test, whose SMS the gateway reports delivered. */
  let redAlertId = '';

  const stand = useNotifyStand(
    {
      env: { ESCALATION_DELAYS, TIMER_INTERVAL_MS: '100' },
      worker: { NOTIFY_GATHER_MS: '200' },
      gateway: { SMS_RECEIPT_SECRET: RECEIPT_SECRET },
      // The SMS gateway reports each message delivered, signed, as a provider's receipt would.
      beforeWorker: (receivers, gateway) =>
        receivers.receiptsTo(`${gateway}/api/notify/sms-receipts`, RECEIPT_SECRET),
    },
    ['P01'],
  );

  const api = (path: string, token: string) =>
    fetch(`${stand.gateway}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('sends SMS, e-mail and webhook to the grid, then the community; the e-mail link acknowledges it', async () => {
    const { platform, receivers, gateway, token: operatorToken, live: operator } = stand;
    const chain = platform.registry.chainOf(platform.registry.device('G001')!);
    expect(chain.map((s) => s.level)).toEqual(['grid', 'community', 'street', 'district']);
    const grid = chain[0].unit.duty[0];
    const community = chain[1].unit.duty[0];
    expect(grid.mobile && grid.email && community.mobile && community.email).toBeTruthy();

    const sentAt = Date.now();
    await stand.publishGas('G001', { ts: Date.now(), lel: 80 });
    const alert = await operator.waitForAlert(
      (a) => a.device === 'G001' && a.severity === 'red',
      'the red gas alert',
    );
    expect(alert.escalation.level).toBe('grid');
    redAlertId = alert.id;

    // The grid's officer, on every channel, within seconds.
    await waitFor(
      'SMS, e-mail and webhook to the grid officer',
      () =>
        receivers.of('sms').some((m) => m.to === grid.mobile && m.text.includes('G001')) &&
        receivers.of('email').some((m) => m.to === grid.email && m.text.includes(alert.id)) &&
        receivers.of('webhook').some((m) => m.to === grid.mobile && m.text.includes('G001')),
      10_000,
    );
    const firstAll = Date.now() - sentAt;
    expect(firstAll).toBeLessThan(10_000);
    console.log(`MQTT publish → SMS, e-mail and webhook at the grid officer: ${firstAll} ms`);
    // Not the community yet: the alert has not climbed.
    const climbed = operator.alerts.some((a) => a.id === alert.id && a.escalation.level === 'community');
    if (!climbed)
      expect(receivers.messages.some((m) => m.to === community.mobile || m.to === community.email)).toBe(
        false,
      );

    // Their states, on the alert: SMS and e-mail sent, the webhook delivered (the receiver answered for it).
    let deliveries: NotificationDelivery[] = [];
    await waitFor('the deliveries recorded as sent', async () => {
      deliveries = (await (
        await api(`/api/alerts/${encodeURIComponent(alert.id)}/notifications`, operatorToken)
      ).json()) as NotificationDelivery[];
      const grids = deliveries.filter((d) => d.level === 'grid');
      return grids.length === 3 && grids.every((d) => d.state === 'sent' || d.state === 'delivered');
    });
    expect(deliveries.find((d) => d.channel === 'webhook' && d.level === 'grid')).toMatchObject({
      state: 'delivered',
      contact: grid.name,
      unit: chain[0].unit.id,
      transition: 'opened',
      severity: 'red',
      alerts: 1,
    });
    expect(deliveries.find((d) => d.channel === 'sms')!.to).toMatch(/^138\*{4}\d{4}$/);
    // A transport company sees only its own alerts: this one is not found for it.
    const company = await login(gateway, 'c01', 'c01');
    expect((await api(`/api/alerts/${encodeURIComponent(alert.id)}/notifications`, company)).status).toBe(
      404,
    );

    // Unacknowledged, it climbs to the community, whose officer is told too (and, red, the grid again).
    await operator.waitForAlert(
      (a) => a.id === alert.id && a.escalation.level === 'community',
      'the escalation to the community',
      15_000,
    );
    await waitFor(
      'the community officer notified',
      () =>
        receivers.of('sms').some((m) => m.to === community.mobile) &&
        receivers.of('email').some((m) => m.to === community.email && m.text.includes(alert.id)),
      10_000,
    );

    // The link in the grid officer's first e-mail.
    const mail = receivers.of('email').find((m) => m.to === grid.email && m.text.includes(alert.id))!;
    const link = /https?:\/\/\S+\/ack\/\S+/.exec(mail.text)?.[0];
    expect(link).toBeDefined();
    expect(link!.startsWith(`${gateway}/ack/`)).toBe(true);

    // A tampered link: a clear page, nothing acknowledged.
    const token = link!.slice(`${gateway}/ack/`.length);
    const [who, mac, ...rest] = token.split('.');
    const forged = `${who}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}.${rest.join('.')}`;
    const bad = await fetch(`${gateway}/ack/${forged}`, { method: 'POST' });
    expect(bad.status).toBe(403);
    expect(await bad.text()).toMatch(/Link not valid/);
    // Another person's place in the chain with this MAC: refused as well.
    const other = await fetch(`${gateway}/ack/1-0.${mac}.${rest.join('.')}`, { method: 'POST' });
    expect(other.status).toBe(403);
    // A well-signed link whose alert is gone (closed and retired) says so; an unsigned one cannot tell.
    const retired = linkToken(DEMO_LINK_SECRET, {
      alertId: 'gas.lel~G001~zzzzzz',
      step: 0,
      index: 0,
      contact: grid,
    });
    const gone = await fetch(`${gateway}/ack/${retired}`);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toMatch(/Alert no longer exists/);
    expect((await fetch(`${gateway}/ack/${who}.${mac}.gas.lel~G001~zzzzzz`)).status).toBe(403);
    expect(operator.alerts.some((a) => a.id === alert.id && a.acknowledged)).toBe(false);

    // Opening the link changes nothing (mail scanners open links); its button acknowledges.
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post"');
    expect(operator.alerts.some((a) => a.id === alert.id && a.acknowledged)).toBe(false);
    const action = /action="([^"]+)"/.exec(html)![1].replace(/&amp;/g, '&');
    const done = await fetch(`${gateway}${action}`, { method: 'POST' });
    expect(done.status).toBe(200);
    expect(await done.text()).toMatch(/Acknowledged/);

    // Every dashboard is told, as for the dashboard's own button.
    const acked = await operator.waitForAlert(
      (a) => a.id === alert.id && a.acknowledged,
      'the acknowledgement on /live',
    );
    expect(acked.ackedBy).toBe(`${grid.name}（${grid.role}）`);
    const again = await fetch(link!);
    expect(await again.text()).toMatch(/Already acknowledged/);

    // Nothing was sent twice.
    const ids = receivers.messages.map((m) => `${m.channel}:${m.delivery}`);
    expect(new Set(ids).size).toBe(ids.length);
  }, 60_000);

  it('takes the SMS provider’s signed delivery receipts: sent becomes delivered; forged or stale ones are refused', async () => {
    const { receivers, gateway, token: operatorToken } = stand;
    expect(redAlertId).not.toBe('');
    const notifications = async () =>
      (await (
        await api(`/api/alerts/${encodeURIComponent(redAlertId)}/notifications`, operatorToken)
      ).json()) as NotificationDelivery[];
    await waitFor('every SMS of the alert delivered by receipt', async () => {
      const sms = (await notifications()).filter((d) => d.channel === 'sms');
      return sms.length >= 2 && sms.every((d) => d.state === 'delivered' && d.receiptAt && d.deliveredAt);
    });
    expect(receivers.receiptAnswers.length).toBeGreaterThanOrEqual(2);
    expect(receivers.receiptAnswers.every((s) => s === 200)).toBe(true);
    const sms = (await notifications()).find((d) => d.channel === 'sms')!;

    const post = (body: string, ts: number, signature: string) =>
      postReceipts(`${gateway}/api/notify/sms-receipts`, body, ts, signature);
    const now = Math.floor(Date.now() / 1000);
    const lateFailure = JSON.stringify({ receipts: [{ id: sms.id, status: 'failed', reason: 'UNDELIV' }] });
    // Forged, stale or unsigned: 401, nothing changed.
    for (const [ts, signature] of [
      [now, webhookSignature('not-the-key', now, lateFailure)],
      [now - 600, webhookSignature(RECEIPT_SECRET, now - 600, lateFailure)],
      [now, ''],
    ] as const) {
      const res = await post(lateFailure, ts, signature);
      expect(res.status).toBe(401);
    }
    // Signed: a late failure of a delivered SMS changes nothing; an ID not ours is counted, not kept.
    const late = await post(lateFailure, now, webhookSignature(RECEIPT_SECRET, now, lateFailure));
    expect(late.status).toBe(200);
    expect(await late.json()).toEqual({ applied: 0, ignored: 1, unknown: 0 });
    const stranger = JSON.stringify({ receipts: [{ id: 'f'.repeat(24), status: 'delivered' }] });
    expect(await (await post(stranger, now, webhookSignature(RECEIPT_SECRET, now, stranger))).json()).toEqual(
      {
        applied: 0,
        ignored: 0,
        unknown: 1,
      },
    );
    // Signed but malformed: 400 naming the field.
    const bad = JSON.stringify({ receipts: [{ id: sms.id, status: 'read' }] });
    const refused = await post(bad, now, webhookSignature(RECEIPT_SECRET, now, bad));
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/status/);
    expect((await notifications()).find((d) => d.id === sms.id)).toMatchObject({ state: 'delivered' });
  }, 30_000);
});
