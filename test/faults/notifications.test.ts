import { mkdirSync, writeFileSync } from 'node:fs';
import { names, type Alert, type NotificationDelivery } from '@lg/contracts';
import { waitFor, type ReceivedMessage } from '@lg/services';
import { NotifyStand } from '../e2e/helpers';

/**
 * Fault rows of the notifications (docs/notifications.md): the SMS gateway and webhook receiver down for a
 * minute while red alerts open and climb (and the worker is killed meanwhile), and a storm of offline
 * trucks opening together. Everything is sent to real receivers on loopback: an SMTP server and an HTTP
 * SMS gateway and webhook receiver.
 */
interface Row {
  fault: string;
  deliveries: number;
  received: number;
  retried: number;
  lost: number;
  sentTwice: number;
  detail: string;
}
const rows: Row[] = [];

/** Ingest's own environment here: errors only. */
const INGEST = { LOG_LEVEL: 'error' };

function sentTwice(messages: readonly ReceivedMessage[]): number {
  const ids = messages.map((m) => `${m.channel}:${m.delivery}`);
  return ids.length - new Set(ids).size;
}

describe('notification faults', () => {
  afterAll(() => {
    mkdirSync('artifacts', { recursive: true });
    const table = [
      '| notification fault | deliveries | received | retried | lost | sent twice | detail |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.fault} | ${r.deliveries} | ${r.received} | ${r.retried} | ${r.lost} | ${r.sentTwice} | ${r.detail} |`,
      ),
    ].join('\n');
    writeFileSync('artifacts/faults-notifications.md', table + '\n');
    console.log(table);
  });

  it('receiver down for a minute (and the worker killed meanwhile): retried, nothing lost, nothing sent twice', async () => {
    const env = {
      ESCALATION_DELAYS: 'red=10s,orange=1h,yellow=1h,blue=never',
      TIMER_INTERVAL_MS: '200',
      NOTIFY_BACKOFF_MS: '1000',
      NOTIFY_ATTEMPTS: '10',
      NOTIFY_GATHER_MS: '300',
    };
    const stand = await NotifyStand.startNotifying({ env, ingest: INGEST }, ['P01']);
    try {
      const { platform, gateway, receivers, token, live: operator } = stand;
      await receivers.httpDown();
      const downAt = Date.now();
      for (const device of ['G001', 'G002']) await stand.publishGas(device, { ts: Date.now(), lel: 75 });
      const alerts: Alert[] = [];
      for (const device of ['G001', 'G002'])
        alerts.push(
          await operator.waitForAlert((a) => a.device === device && a.severity === 'red', `red on ${device}`),
        );
      // While it is down the alerts climb (red tells every level reached again at each step)…
      await operator.waitForAlert(
        (a) => a.id === alerts[0].id && a.escalation.level === 'street',
        'the climb to the street during the outage',
        30_000,
      );
      // …and the worker dies with retries pending, and comes back.
      await platform.kill('worker');
      await platform.restart('worker', 'worker');
      // Take both, so that the set of messages is closed, before the receiver comes back.
      for (const a of alerts) {
        const res = await fetch(`${gateway}/api/alerts/${encodeURIComponent(a.id)}/ack`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ note: 'outage test' }),
        });
        expect(res.status).toBe(200);
      }
      const sms = receivers.of('sms').length;
      const hooks = receivers.of('webhook').length;
      expect(sms + hooks).toBe(0);
      await waitFor('a minute of outage', () => Date.now() - downAt >= 60_000, 70_000, 500);
      await receivers.httpUp();
      const outageSec = Math.round((Date.now() - downAt) / 1000);

      const list = async (): Promise<NotificationDelivery[]> => {
        const all: NotificationDelivery[] = [];
        for (const a of alerts)
          all.push(
            ...((await (
              await fetch(`${gateway}/api/alerts/${encodeURIComponent(a.id)}/notifications`, {
                headers: { authorization: `Bearer ${token}` },
              })
            ).json()) as NotificationDelivery[]),
          );
        return [...new Map(all.map((d) => [d.id, d])).values()];
      };
      let deliveries: NotificationDelivery[] = [];
      await waitFor(
        'every delivery sent after the outage',
        async () => {
          deliveries = await list();
          return (
            deliveries.length > 0 && deliveries.every((d) => d.state === 'sent' || d.state === 'delivered')
          );
        },
        120_000,
        500,
      );
      const httpDeliveries = deliveries.filter((d) => d.channel !== 'email');
      expect(httpDeliveries.length).toBeGreaterThanOrEqual(6);
      // Nothing lost: every recorded delivery reached its receiver; nothing sent twice.
      const received = new Set(receivers.messages.map((m) => m.delivery));
      const lost = deliveries.filter((d) => !received.has(d.id)).length;
      expect(lost).toBe(0);
      expect(sentTwice(receivers.messages)).toBe(0);
      // The ones sent while the receiver was down were retried, and say so.
      const retried = httpDeliveries.filter((d) => d.attempts > 1).length;
      expect(retried).toBe(httpDeliveries.length);
      rows.push({
        fault: `SMS gateway and webhook receiver down ${outageSec} s, worker kill -9 meanwhile`,
        deliveries: deliveries.length,
        received: receivers.messages.length,
        retried,
        lost,
        sentTwice: sentTwice(receivers.messages),
        detail: `2 red alerts climbing grid→street; most attempts ${Math.max(...deliveries.map((d) => d.attempts))}`,
      });
    } finally {
      await stand.stop();
    }
  }, 300_000);

  it('the SMS API answering errors (Alibaba-Cloud-shaped, signed): retried until it takes the message, once', async () => {
    const env = {
      ESCALATION_DELAYS: 'red=1h,orange=1h,yellow=1h,blue=never',
      NOTIFY_BACKOFF_MS: '500',
      NOTIFY_ATTEMPTS: '10',
      NOTIFY_GATHER_MS: '200',
    };
    const stand = await NotifyStand.startNotifying({ env, ingest: INGEST, sms: 'aliyun' }, ['P01']);
    try {
      const { platform, gateway, receivers, token, live: operator } = stand;
      receivers.smsFailure = 500;
      const failingAt = Date.now();
      await stand.publishGas('G001', { ts: Date.now(), lel: 75 });
      const alert = await operator.waitForAlert(
        (a) => a.device === 'G001' && a.severity === 'red',
        'red on G001',
      );
      const deliveries = async () =>
        (await (
          await fetch(`${gateway}/api/alerts/${encodeURIComponent(alert.id)}/notifications`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).json()) as NotificationDelivery[];
      // The SMS is retried with the provider's error as its reason; e-mail and webhook are not held up.
      let sms: NotificationDelivery | undefined;
      await waitFor(
        'the SMS retried with the API error, the other channels done',
        async () => {
          const list = await deliveries();
          sms = list.find((d) => d.channel === 'sms');
          return (
            sms?.state === 'queued' &&
            sms.attempts >= 3 &&
            list
              .filter((d) => d.channel !== 'sms')
              .every((d) => d.state === 'sent' || d.state === 'delivered')
          );
        },
        30_000,
        200,
      );
      expect(sms!.reason).toMatch(/the SMS API refused it: isp.SYSTEM_ERROR/);
      expect(receivers.of('sms')).toHaveLength(0);
      receivers.smsFailure = undefined;
      await waitFor(
        'the SMS taken once the API recovers',
        async () => (await deliveries()).find((d) => d.channel === 'sms')?.state === 'sent',
        30_000,
        200,
      );
      const failedSec = Math.round((Date.now() - failingAt) / 1000);
      const final = await deliveries();
      // Taken once, as signed requests the receiver checked (a bad signature is never taken).
      expect(receivers.of('sms')).toHaveLength(1);
      expect(receivers.of('sms')[0].to).toBe(
        platform.registry.chainOf(platform.registry.device('G001')!)[0].unit.duty[0].mobile,
      );
      expect(sentTwice(receivers.messages)).toBe(0);
      const smsAttempts = final.find((d) => d.channel === 'sms')!.attempts;
      rows.push({
        fault: `SMS API answering errors for ${failedSec} s (signed, Alibaba-Cloud-shaped)`,
        deliveries: final.length,
        received: receivers.messages.length,
        retried: final.filter((d) => d.attempts > 1).length,
        lost: final.filter((d) => !receivers.messages.some((m) => m.delivery === d.id)).length,
        sentTwice: sentTwice(receivers.messages),
        detail: `SMS taken at attempt ${smsAttempts}; e-mail and webhook not held up`,
      });
    } finally {
      await stand.stop();
    }
  }, 300_000);

  it('a storm of offline trucks is one message per contact and channel', async () => {
    const env = { LG_TEST_CLOCK: 'true', TIMER_INTERVAL_MS: '200', NOTIFY_GATHER_MS: '3000' };
    const stand = await NotifyStand.startNotifying({ env, ingest: INGEST });
    try {
      const { platform, gateway, receivers, redis, token, live: operator } = stand;
      const trucks = platform.registry.allDevices().filter((d) => d.kind === 'truck');
      expect(trucks.length).toBeGreaterThanOrEqual(150);
      const start = Date.now();
      for (const company of platform.registry.allCompanies()) {
        const client = await stand.connect(company.id);
        for (const t of trucks.filter((x) => x.owner === company.id))
          for (let i = 0; i < 2; i++)
            await client.publishAsync(
              `${platform.root}/truck/${company.id}/${t.id}/telemetry`,
              JSON.stringify({
                ts: start - 20_000 + i * 10_000,
                lat: 22.72,
                lon: 114.25,
                speed: 40,
                ignition: true,
                sats: 10,
              }),
              { qos: 1 },
            );
      }
      await waitFor(
        'every truck heard',
        async () => {
          const devices = (await (
            await fetch(`${gateway}/api/devices?kind=truck`, {
              headers: { authorization: `Bearer ${token}` },
            })
          ).json()) as Array<{ id: string; lastSeen: string | null }>;
          return devices.filter((d) => d.lastSeen !== null).length >= trucks.length;
        },
        60_000,
        500,
      );
      expect(receivers.messages).toHaveLength(0);

      // Six minutes of silence for the whole fleet at once.
      const stormAt = Date.now();
      await redis.set(names(platform.prefix).clockOffset, String(6 * 60_000));
      const opened = () =>
        new Set(operator.alerts.filter((a) => a.active && /offline/.test(a.rule)).map((a) => a.id));
      await waitFor('200+ offline alerts open', () => opened().size >= 200, 60_000, 200);
      const contacts = platform.registry
        .allCompanies()
        .flatMap((c) => c.duty.map((d) => ({ company: c.id, ...d })));
      await waitFor(
        'a message to every company contact on every channel',
        () =>
          contacts.every(
            (c) =>
              receivers.of('sms').some((m) => m.to === c.mobile) &&
              receivers.of('email').some((m) => m.to === c.email) &&
              receivers.of('webhook').some((m) => m.to === c.mobile),
          ),
        60_000,
        200,
      );
      const tookSec = (Date.now() - stormAt) / 1000;
      // Let anything late arrive, then count: one message per contact and channel.
      await new Promise((r) => setTimeout(r, 5000));
      const alertsOpen = opened().size;
      for (const c of contacts) {
        expect(receivers.of('sms').filter((m) => m.to === c.mobile)).toHaveLength(1);
        expect(receivers.of('webhook').filter((m) => m.to === c.mobile)).toHaveLength(1);
        const mails = receivers.of('email').filter((m) => m.to === c.email);
        expect(mails).toHaveLength(1);
        // The one message tells of every offline alert of the company's trucks (as their incident when they
        // gathered into one, docs/notifications.md "Incidents").
        const count = Number(/(?:同时出现|事件 \S+ 共)(\d+)条告警/.exec(mails[0].text)?.[1]);
        expect(count).toBeGreaterThan(3);
      }
      // Only company contacts were told (yellow stays at the company), and nothing twice.
      expect(receivers.messages).toHaveLength(contacts.length * 3);
      expect(sentTwice(receivers.messages)).toBe(0);
      rows.push({
        fault: `storm: ${alertsOpen} offline alerts of ${trucks.length} trucks opening together`,
        deliveries: receivers.messages.length,
        received: receivers.messages.length,
        retried: 0,
        lost: 0,
        sentTwice: sentTwice(receivers.messages),
        detail: `${contacts.length} company contacts × 3 channels, one grouped message each, all out ${tookSec.toFixed(1)} s after the clock moved`,
      });
    } finally {
      await stand.stop();
    }
  }, 300_000);
});
