import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { NotificationDelivery } from '@lg/contracts';
import { webhookSignature } from './channels/webhook';
import type { DeliveryStore } from './deliveries';

/** Receipts one callback may carry at most. */
export const MAX_RECEIPTS = 100;
/** A receipt callback whose timestamp is further than this from our clock is refused (replays), s. */
export const RECEIPT_MAX_SKEW_SEC = 300;

/**
 * The body an SMS provider posts to `POST /api/notify/sms-receipts`: what became of messages it took,
 * each named by our delivery ID (sent as the message's `id` / idempotency key).
 */
export const smsReceiptsSchema = z
  .object({
    receipts: z
      .array(
        z
          .object({
            id: z.string().regex(/^[a-f0-9]{24}$/, 'must be a delivery ID'),
            status: z.enum(['delivered', 'failed']),
            /** The provider's reason for a failure (e.g. `UNDELIV`, `MK:0001`). */
            reason: z.string().max(200).optional(),
            /** When the handset (or the carrier) reported it, ISO-8601; default: on arrival. */
            at: z.string().datetime({ offset: true }).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(MAX_RECEIPTS),
  })
  .strict();
export type SmsReceipt = z.infer<typeof smsReceiptsSchema>['receipts'][number];

/**
 * Checks a receipt callback's signature: `X-LG-Signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{raw
 * body}">` with the shared secret, the timestamp (Unix seconds, `X-LG-Timestamp`) within five minutes of
 * ours. The same scheme as our JSON webhooks, the other way round. Returns what is wrong, or undefined.
 */
export function receiptSignatureProblem(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: Buffer | string,
  nowMs: number,
): string | undefined {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'X-LG-Timestamp (Unix seconds) is missing';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > RECEIPT_MAX_SKEW_SEC)
    return 'X-LG-Timestamp is more than 5 minutes from the platform clock';
  if (!signature) return 'X-LG-Signature is missing';
  const expected = Buffer.from(webhookSignature(secret, Number(timestamp), rawBody.toString()));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return 'X-LG-Signature does not match the body';
  return undefined;
}

/**
 * What a receipt does to a delivery (pure): an SMS that was queued or sent becomes delivered or failed, with
 * the provider's time and reason. A delivery already delivered or failed keeps its state (receipts come
 * more than once, and out of order); undefined: nothing to change.
 */
export function applyReceipt(
  d: NotificationDelivery,
  r: SmsReceipt,
  nowIso: string,
): NotificationDelivery | undefined {
  if (d.channel !== 'sms' || d.state === 'delivered' || d.state === 'failed') return undefined;
  const at = r.at ? new Date(r.at).toISOString() : nowIso;
  if (r.status === 'delivered') {
    const { reason: _dropped, ...rest } = d;
    return { ...rest, state: 'delivered', deliveredAt: at, receiptAt: nowIso };
  }
  return {
    ...d,
    state: 'failed',
    failedAt: at,
    reason: `the provider reported it undelivered${r.reason ? `: ${r.reason}` : ''}`,
    receiptAt: nowIso,
  };
}

/**
 * A delivery once the far end took it (pure). A receipt may have come first (the provider reports within
 * milliseconds, before the sender has written its own record): the receipt's state stays.
 */
export function afterSend(
  d: NotificationDelivery,
  result: { delivered: boolean },
  attempts: number,
  nowIso: string,
): NotificationDelivery {
  if (d.receiptAt) return { ...d, attempts, sentAt: d.sentAt ?? nowIso };
  const { reason: _dropped, ...rest } = d;
  return {
    ...rest,
    state: result.delivered ? 'delivered' : 'sent',
    attempts,
    sentAt: nowIso,
    ...(result.delivered ? { deliveredAt: nowIso } : {}),
  };
}

export interface ReceiptOutcome {
  applied: number;
  /** Receipts of deliveries already delivered or failed, or not SMS. */
  ignored: number;
  /** Receipts naming no delivery we hold (expired, or not ours). */
  unknown: number;
}

/** Applies receipts to the delivery records (each change compare-and-set against the sender's). */
export async function applyReceipts(
  store: DeliveryStore,
  receipts: readonly SmsReceipt[],
  nowMs: number,
): Promise<ReceiptOutcome> {
  const out: ReceiptOutcome = { applied: 0, ignored: 0, unknown: 0 };
  const nowIso = new Date(nowMs).toISOString();
  for (const r of receipts) {
    const result = await store.change(r.id, (d) => (d ? applyReceipt(d, r, nowIso) : undefined));
    if (result === 'missing') out.unknown++;
    else if (result === 'unchanged') out.ignored++;
    else out.applied++;
  }
  return out;
}
