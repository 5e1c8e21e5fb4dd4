import { createHmac } from 'node:crypto';
import { httpError, type Channel, type Outgoing, type SendResult } from './channel';

export type WebhookFormat = 'json' | 'wecom' | 'dingtalk';

/** Characters of text a group robot message carries at most (WeCom takes 2,048 bytes; a digest is cut). */
export const ROBOT_TEXT_MAX = 600;

/** A request ready to POST. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The `X-LG-Signature` of a JSON webhook: `sha256=` + hex HMAC-SHA256 of `{timestamp}.{body}`. */
export function webhookSignature(secret: string, timestampSec: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex')}`;
}

/** DingTalk's robot signature: base64 HMAC-SHA256 of `{timestamp ms}\n{secret}`, keyed by the secret. */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
}

/**
 * Builds the request of one message in one format. `json`: our own payload, signed (`X-LG-Timestamp`,
 * `X-LG-Signature`; receivers reject a timestamp older than a few minutes). `wecom`: a WeCom group
 * robot's text message, @-mentioning the contact by mobile (the robot's key is in its URL). `dingtalk`: a
 * DingTalk group robot's text message with `at.atMobiles`, signed in the URL when a secret is set.
 */
export function webhookRequest(
  format: WebhookFormat,
  url: string,
  secret: string,
  m: Outgoing,
  nowMs: number,
): WebhookRequest {
  const mention = m.contact.mobile ? [m.contact.mobile] : [];
  // Robots take a few thousand bytes of text at most: a digest is cut, with the API to read the rest.
  const content = `${m.rendered.subject}\n${m.rendered.text}`.slice(0, ROBOT_TEXT_MAX);
  switch (format) {
    case 'json': {
      const body = JSON.stringify({
        id: m.id,
        type: m.digest ? 'digest.daily' : 'alert.notification',
        ...(m.digest ? { digest: m.digest } : {}),
        to: { name: m.contact.name, role: m.contact.role, mobile: m.contact.mobile, email: m.contact.email },
        severity: m.severity,
        subject: m.rendered.subject,
        text: m.rendered.text,
        ackUrl: m.rendered.ackUrl,
        alerts: m.alertIds,
      });
      const ts = Math.floor(nowMs / 1000);
      return {
        url,
        body,
        headers: {
          'content-type': 'application/json',
          'x-lg-delivery': m.id,
          'x-lg-timestamp': String(ts),
          'x-lg-signature': secret ? webhookSignature(secret, ts, body) : '',
        },
      };
    }
    case 'wecom':
      return {
        url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ msgtype: 'text', text: { content, mentioned_mobile_list: mention } }),
      };
    case 'dingtalk': {
      let signed = url;
      if (secret) {
        const u = new URL(url);
        u.searchParams.set('timestamp', String(nowMs));
        u.searchParams.set('sign', dingtalkSign(secret, nowMs));
        signed = u.toString();
      }
      return {
        url: signed,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          msgtype: 'text',
          text: { content },
          at: { atMobiles: mention, isAtAll: false },
        }),
      };
    }
  }
}

/**
 * Webhooks. A 2xx answer is a delivery (the receiving system has it); robots answer 200 with `errcode`,
 * which must be 0.
 */
export class WebhookChannel implements Channel {
  readonly name = 'webhook' as const;
  constructor(
    private readonly format: WebhookFormat,
    private readonly url: string,
    private readonly secret: string,
  ) {}

  async send(m: Outgoing, signal: AbortSignal): Promise<SendResult> {
    const req = webhookRequest(this.format, this.url, this.secret, m, Date.now());
    const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: req.body, signal });
    const body = await res.text();
    if (!res.ok) throw httpError('the webhook', res.status, body);
    if (this.format !== 'json') {
      let errcode: unknown;
      try {
        errcode = (JSON.parse(body) as { errcode?: unknown }).errcode;
      } catch {
        errcode = undefined;
      }
      if (errcode !== 0) throw new Error(`the ${this.format} robot answered ${body.slice(0, 200)}`);
    }
    return { delivered: true };
  }
}
