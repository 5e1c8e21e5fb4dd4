import { createHmac, randomUUID } from 'node:crypto';
import { httpError, PermanentSendError, type Channel, type Outgoing, type SendResult } from './channel';

/** What an SMS provider is given: the number, the text, and the same content as template variables. */
export interface SmsRequest {
  /** Idempotency key (the delivery ID). */
  id: string;
  mobile: string;
  text: string;
  /** Template variables, for providers that send only approved templates (mainland China's all do). */
  params: Record<string, string>;
}

/**
 * An SMS provider adapter: one class per provider, each turning an {@link SmsRequest} into that provider's
 * request. Throw {@link PermanentSendError} for what no retry fixes, any other error for what may.
 */
export interface SmsProvider {
  readonly name: string;
  send(req: SmsRequest, signal: AbortSignal): Promise<SendResult>;
}

/**
 * A generic JSON gateway: `POST {url}` with `{id, to, text, params}`, `Authorization: Bearer {key}` and
 * `Idempotency-Key: {id}`; a 2xx answer `{id?, status?: "sent" | "delivered"}`.
 */
export class JsonSmsGateway implements SmsProvider {
  readonly name = 'json';
  constructor(
    private readonly url: string,
    private readonly key: string,
  ) {}

  async send(req: SmsRequest, signal: AbortSignal): Promise<SendResult> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': req.id,
        ...(this.key ? { authorization: `Bearer ${this.key}` } : {}),
      },
      body: JSON.stringify({ id: req.id, to: req.mobile, text: req.text, params: req.params }),
      signal,
    });
    const body = await res.text();
    if (!res.ok) throw httpError('the SMS gateway', res.status, body);
    let parsed: { id?: unknown; status?: unknown } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      // A 2xx without JSON still took the message.
    }
    return {
      ...(typeof parsed.id === 'string' ? { providerId: parsed.id } : {}),
      delivered: parsed.status === 'delivered',
    };
  }
}

/** RFC 3986 encoding as Alibaba Cloud's RPC signature wants it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function rpcEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The signature of an Alibaba Cloud RPC-style request (signature version 1.0): the parameters sorted by
 * name and encoded, `METHOD&%2F&` + the encoded query, HMAC-SHA1 with `secret + "&"`, base64.
 */
export function rpcSignature(method: 'GET' | 'POST', params: Record<string, string>, secret: string): string {
  const query = Object.keys(params)
    .sort()
    .map((k) => `${rpcEncode(k)}=${rpcEncode(params[k])}`)
    .join('&');
  const toSign = `${method}&${rpcEncode('/')}&${rpcEncode(query)}`;
  return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
}

/** Alibaba Cloud's time format for `Timestamp`: ISO-8601 UTC without milliseconds. */
function rpcTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Answers of `SendSms` that no retry fixes (bad number, template, signature name, account). */
const PERMANENT_CODES =
  /^isv\.(MOBILE_NUMBER_ILLEGAL|TEMPLATE_|SMS_TEMPLATE_ILLEGAL|SMS_SIGNATURE_ILLEGAL|INVALID_PARAMETERS|PARAM_LENGTH_LIMIT|BLACK_KEY_CONTROL_LIMIT|ACCOUNT_)/;

/**
 * Shaped like Alibaba Cloud SMS (`dysmsapi`, `SendSms`, version 2017-05-25): a signed form POST with the
 * approved signature name and template, the variables as `TemplateParam`, and `OutId` carrying our delivery
 * ID; the answer `{Code: "OK", BizId, RequestId}` (`Code` otherwise names the problem).
 */
export class AliyunSms implements SmsProvider {
  readonly name = 'aliyun';
  constructor(
    private readonly o: {
      url: string;
      accessKeyId: string;
      accessKeySecret: string;
      signName: string;
      template: string;
      now?: () => number;
      nonce?: () => string;
    },
  ) {}

  /** The signed form of one request (exposed for the spec and the local receiver's check). */
  signedParams(req: SmsRequest): Record<string, string> {
    const params: Record<string, string> = {
      AccessKeyId: this.o.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: req.id,
      PhoneNumbers: req.mobile,
      RegionId: 'cn-hangzhou',
      SignName: this.o.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: (this.o.nonce ?? randomUUID)(),
      SignatureVersion: '1.0',
      TemplateCode: this.o.template,
      TemplateParam: JSON.stringify(req.params),
      Timestamp: rpcTimestamp((this.o.now ?? Date.now)()),
      Version: '2017-05-25',
    };
    return { ...params, Signature: rpcSignature('POST', params, this.o.accessKeySecret) };
  }

  async send(req: SmsRequest, signal: AbortSignal): Promise<SendResult> {
    const res = await fetch(this.o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(this.signedParams(req)).toString(),
      signal,
    });
    const body = await res.text();
    let answer: { Code?: string; Message?: string; BizId?: string } = {};
    try {
      answer = JSON.parse(body) as typeof answer;
    } catch {
      if (!res.ok) throw httpError('the SMS API', res.status, body);
      throw new Error(`the SMS API answered something that is not JSON: ${body.slice(0, 200)}`);
    }
    if (answer.Code === 'OK')
      return { ...(answer.BizId ? { providerId: answer.BizId } : {}), delivered: false };
    const problem =
      `the SMS API refused it: ${answer.Code ?? `HTTP ${res.status}`} ${answer.Message ?? ''}`.trim();
    if (answer.Code && PERMANENT_CODES.test(answer.Code)) throw new PermanentSendError(problem);
    throw new Error(problem);
  }
}

/** The SMS channel: one provider, the contact's mobile. */
export class SmsChannel implements Channel {
  readonly name = 'sms' as const;
  constructor(private readonly provider: SmsProvider) {}

  send(m: Outgoing, signal: AbortSignal): Promise<SendResult> {
    const first = m.alertIds[0] ?? '';
    return this.provider.send(
      {
        id: m.id,
        mobile: m.to,
        text: m.rendered.sms,
        params: {
          subject: m.rendered.subject.slice(0, 60),
          alert: first.slice(0, 60),
          count: String(m.alertIds.length),
          link: m.rendered.ackUrl ?? '',
        },
      },
      signal,
    );
  }
}
