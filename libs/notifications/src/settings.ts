import { z } from 'zod';
import { env } from '@lg/config';
import { SEVERITIES, type Severity } from '@lg/contracts';
import { isTimeZone } from './digest/days';

/** Demo values `npm start` and the tests use; production refuses every one of them. */
export const DEMO_LINK_SECRET = 'demo-notify-link-secret-change-me-0000';

/** `22:00-07:00` → minutes of the day [from, to) in Asia/Shanghai; the range may wrap past midnight. */
export interface QuietHours {
  from: number;
  to: number;
}

function parseClock(text: string): number | undefined {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

const quietHours = z
  .string()
  .default('22:00-07:00')
  .transform((text, ctx): QuietHours | null => {
    if (text === '' || text === 'off') return null;
    const [a, b, rest] = text.split('-');
    const from = a === undefined ? undefined : parseClock(a);
    const to = b === undefined ? undefined : parseClock(b);
    if (from === undefined || to === undefined || rest !== undefined || from === to) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not HH:MM-HH:MM (e.g. 22:00-07:00) or "off"` });
      return z.NEVER;
    }
    return { from, to };
  });

const severity = z.enum(SEVERITIES);

/** A URL, or empty (as a deployment's unset variable arrives) for none. */
const optionalUrl = z
  .string()
  .default('')
  .refine((v) => v === '' || URL.canParse(v), 'must be a URL (or empty)')
  .transform((v) => (v === '' ? undefined : v));

/** `C01=orange,P01=red` → owner → least severity notified. */
const ownerMinSeverity = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const out: Record<string, Severity> = {};
    for (const part of text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const m = /^([A-Za-z0-9_-]{1,64})=(blue|yellow|orange|red)$/.exec(part);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not owner=severity (e.g. C01=orange)` });
        return z.NEVER;
      }
      out[m[1]] = m[2] as Severity;
    }
    return out;
  });

/**
 * The link-signing key: the worker signs acknowledgement links with it and the gateway checks them, so both
 * read it. Production: at least 32 characters, not the demo value.
 */
export const notifyLinkSchema = z.object({
  NOTIFY_LINK_SECRET: z.string().min(1).default(DEMO_LINK_SECRET),
});

export function linkSecretProblem(secret: string): string | undefined {
  if (secret === DEMO_LINK_SECRET) return 'is the demo value';
  if (secret.length < 32) return 'is shorter than 32 characters';
  return undefined;
}

/**
 * The key SMS providers sign their delivery receipts with (`POST /api/notify/sms-receipts` on the
 * gateway); empty: receipts are not taken (the route answers 404). Production: at least 32 characters.
 */
export const smsReceiptSchema = z.object({
  SMS_RECEIPT_SECRET: z.string().default(''),
});

/** What is wrong with the receipt key in production, if anything. */
export function receiptSecretProblem(secret: string): string | undefined {
  if (secret === '') return undefined;
  if (/^demo/i.test(secret)) return 'is a demo value';
  if (secret.length < 32) return 'is shorter than 32 characters';
  return undefined;
}

/**
 * The zone whose local days the daily digests cover: the worker sends by it and the gateway answers
 * `GET /api/digests/{scope}?date=` by it, so both read it.
 */
export const digestDaySchema = z.object({
  DIGEST_TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine(isTimeZone, 'must be an IANA time zone, e.g. Asia/Shanghai'),
});

/** `08:00` → minutes of the day; `off` → null (no schedule). */
const digestAt = z
  .string()
  .default('08:00')
  .transform((text, ctx): number | null => {
    if (text === 'off') return null;
    const at = parseClock(text);
    if (at === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not HH:MM (e.g. 08:00) or "off"` });
      return z.NEVER;
    }
    return at;
  });

/** Every variable of the notifications, validated when the worker starts (docs/notifications.md). */
export const notifySchema = notifyLinkSchema.merge(digestDaySchema).extend({
  /** Channels that send; empty: notifications are off (routing and delivery state still work, nothing leaves). */
  NOTIFY_CHANNELS: env.list('').pipe(z.array(z.enum(['sms', 'email', 'webhook']))),
  /** The public base URL of the gateway, for acknowledgement links, e.g. `https://alerts.example.gov.cn`. */
  NOTIFY_LINK_BASE: env.url('http://127.0.0.1:3000'),
  /** The least severity notified at all (red always is). */
  NOTIFY_MIN_SEVERITY: severity.default('blue'),
  /** Per-owner least severity, `C01=orange,P01=yellow` (red always is). */
  NOTIFY_OWNER_MIN_SEVERITY: ownerMinSeverity,
  /** Quiet hours, Asia/Shanghai, `HH:MM-HH:MM` or `off`: blue and yellow go by e-mail only then. */
  NOTIFY_QUIET_HOURS: quietHours,
  /** More messages than this for one contact from one gathering become one grouped message. */
  NOTIFY_GROUP_OVER: env.int(3, 1, 1000),
  /** How long transitions are gathered before routing, ms (a storm opens over a few seconds). */
  NOTIFY_GATHER_MS: env.int(1500, 0, 60_000),
  /** Per contact address: at most this many messages per minute; more wait for the next minute. */
  NOTIFY_THROTTLE_PER_MINUTE: env.int(6, 1, 1000),
  /** Attempts per delivery before it is failed (exponential back-off from NOTIFY_BACKOFF_MS). */
  NOTIFY_ATTEMPTS: env.int(8, 1, 50),
  NOTIFY_BACKOFF_MS: env.int(2000, 10, 600_000),
  /** A send that takes longer fails (and is retried), ms. */
  NOTIFY_TIMEOUT_MS: env.int(10_000, 100, 120_000),

  /** SMS: `json` (a generic JSON gateway) or `aliyun` (Alibaba Cloud SMS `SendSms`, signed requests). */
  SMS_PROVIDER: z.enum(['json', 'aliyun']).default('json'),
  SMS_URL: optionalUrl,
  /** json: sent as `Authorization: Bearer …`; aliyun: the AccessKey ID. */
  SMS_KEY_ID: z.string().default(''),
  /** json: unused; aliyun: the AccessKey secret that signs each request. */
  SMS_KEY_SECRET: z.string().default(''),
  /** aliyun: the approved signature name and template code (template variables: see docs). */
  SMS_SIGN_NAME: z.string().default(''),
  SMS_TEMPLATE: z.string().default(''),

  /** E-mail: `smtp://user:password@host:port` (`smtps://` for TLS on connect). */
  SMTP_URL: optionalUrl,
  SMTP_FROM: z.string().default('龙岗区应急指挥中心 <alerts@longgang.example>'),

  /** Webhook: where every message goes, in `WEBHOOK_FORMAT`: `json` (HMAC-signed), `wecom` or `dingtalk` robots. */
  WEBHOOK_URL: optionalUrl,
  WEBHOOK_FORMAT: z.enum(['json', 'wecom', 'dingtalk']).default('json'),
  /** json: the HMAC-SHA256 key of `X-LG-Signature`; dingtalk: the robot's signing secret (`SEC…`). */
  WEBHOOK_SECRET: z.string().default(''),

  /** Daily digests: the local time (DIGEST_TIMEZONE) they go out, `HH:MM`, or `off` for no schedule. */
  DIGEST_AT: digestAt,
  /** Whose digests the schedule sends: `company`, `street` or both. */
  DIGEST_SCOPES: env.list('company,street').pipe(z.array(z.enum(['company', 'street'])).min(1)),
  /** The channels digests go by (among NOTIFY_CHANNELS): e-mail to each duty contact, one webhook per scope. */
  DIGEST_CHANNELS: env.list('email,webhook').pipe(z.array(z.enum(['email', 'webhook']))),
});

export type NotifySettings = z.infer<typeof notifySchema>;

/**
 * The problems of a notification configuration, by variable: a channel switched on without what it needs,
 * and demo secrets in production. Apps call it from their schema's `superRefine`.
 */
export function notifyProblems(c: NotifySettings, production: boolean): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const on = new Set(c.NOTIFY_CHANNELS);
  if (on.has('sms')) {
    if (!c.SMS_URL) out.push(['SMS_URL', 'the sms channel needs the gateway URL']);
    if (c.SMS_PROVIDER === 'aliyun') {
      for (const k of ['SMS_KEY_ID', 'SMS_KEY_SECRET', 'SMS_SIGN_NAME', 'SMS_TEMPLATE'] as const)
        if (!c[k]) out.push([k, 'the aliyun SMS provider needs it']);
    }
  }
  if (on.has('email') && !c.SMTP_URL) out.push(['SMTP_URL', 'the email channel needs the SMTP server']);
  if (on.has('webhook')) {
    if (!c.WEBHOOK_URL) out.push(['WEBHOOK_URL', 'the webhook channel needs the URL']);
    if (c.WEBHOOK_FORMAT === 'json' && !c.WEBHOOK_SECRET)
      out.push(['WEBHOOK_SECRET', 'json webhooks are signed: set the HMAC key']);
  }
  if (production) {
    const link = linkSecretProblem(c.NOTIFY_LINK_SECRET);
    if (link) out.push(['NOTIFY_LINK_SECRET', `production refuses this secret: it ${link}`]);
    if (on.has('webhook') && c.WEBHOOK_FORMAT === 'json' && c.WEBHOOK_SECRET.length < 32)
      out.push(['WEBHOOK_SECRET', 'production needs at least 32 characters']);
    if (on.has('sms') && /^demo/i.test(c.SMS_KEY_SECRET))
      out.push(['SMS_KEY_SECRET', 'production refuses the demo key']);
    if (on.has('email') && c.SMTP_URL && /:demo@/.test(c.SMTP_URL))
      out.push(['SMTP_URL', 'production refuses the demo SMTP password']);
  }
  return out;
}
