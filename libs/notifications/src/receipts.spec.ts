import type { NotificationDelivery } from '@lg/contracts';
import { webhookSignature } from './channels/webhook';
import { afterSend, applyReceipt, receiptSignatureProblem, smsReceiptsSchema } from './receipts';

const sms: NotificationDelivery = {
  id: 'a'.repeat(24),
  channel: 'sms',
  to: '138****1101',
  contact: '周波',
  level: 'grid',
  unit: 'GR-BJ11',
  transition: 'opened',
  severity: 'red',
  alerts: 1,
  state: 'sent',
  attempts: 1,
  queuedAt: '2026-05-01T02:03:04.000Z',
  sentAt: '2026-05-01T02:03:04.100Z',
};
const now = '2026-05-01T02:03:09.000Z';

describe('SMS delivery receipts', () => {
  it('move a sent SMS to delivered or failed, with the provider’s time and reason', () => {
    expect(
      applyReceipt(sms, { id: sms.id, status: 'delivered', at: '2026-05-01T10:03:08+08:00' }, now),
    ).toEqual({
      ...sms,
      state: 'delivered',
      deliveredAt: '2026-05-01T02:03:08.000Z',
      receiptAt: now,
    });
    expect(
      applyReceipt({ ...sms, state: 'queued' }, { id: sms.id, status: 'failed', reason: 'UNDELIV' }, now),
    ).toMatchObject({
      state: 'failed',
      failedAt: now,
      reason: 'the provider reported it undelivered: UNDELIV',
    });
  });

  it('leave a delivery already delivered or failed, and anything but SMS, as it is', () => {
    const r = { id: sms.id, status: 'failed' as const };
    expect(applyReceipt({ ...sms, state: 'delivered' }, r, now)).toBeUndefined();
    expect(applyReceipt({ ...sms, state: 'failed' }, { ...r, status: 'delivered' }, now)).toBeUndefined();
    expect(applyReceipt({ ...sms, channel: 'email' }, r, now)).toBeUndefined();
  });

  it('stay when the sender records its send after the receipt came', () => {
    const delivered = applyReceipt(
      { ...sms, state: 'queued', sentAt: undefined },
      { id: sms.id, status: 'delivered' },
      now,
    )!;
    expect(afterSend(delivered, { delivered: false }, 1, '2026-05-01T02:03:09.500Z')).toMatchObject({
      state: 'delivered',
      attempts: 1,
      sentAt: '2026-05-01T02:03:09.500Z',
    });
    // Without a receipt the send is recorded as before, its last retry reason gone.
    expect(afterSend({ ...sms, state: 'queued', reason: 'timeout' }, { delivered: false }, 2, now)).toEqual({
      ...sms,
      state: 'sent',
      attempts: 2,
      sentAt: now,
    });
  });

  it('are taken only signed with the shared key, within five minutes', () => {
    const body = JSON.stringify({ receipts: [{ id: sms.id, status: 'delivered' }] });
    const t = 1_777_600_000;
    const nowMs = t * 1000 + 10_000;
    const sig = webhookSignature('k'.repeat(32), t, body);
    expect(receiptSignatureProblem('k'.repeat(32), String(t), sig, Buffer.from(body), nowMs)).toBeUndefined();
    expect(receiptSignatureProblem('k'.repeat(32), String(t), sig, body + ' ', nowMs)).toMatch(
      /does not match/,
    );
    expect(receiptSignatureProblem('x'.repeat(32), String(t), sig, body, nowMs)).toMatch(/does not match/);
    expect(receiptSignatureProblem('k'.repeat(32), String(t), sig, body, nowMs + 301_000)).toMatch(
      /5 minutes/,
    );
    expect(receiptSignatureProblem('k'.repeat(32), undefined, sig, body, nowMs)).toMatch(/X-LG-Timestamp/);
    expect(receiptSignatureProblem('k'.repeat(32), String(t), undefined, body, nowMs)).toMatch(/missing/);
  });

  it('are bounded and checked field by field', () => {
    const many = Array.from({ length: 101 }, () => ({ id: sms.id, status: 'delivered' }));
    expect(smsReceiptsSchema.safeParse({ receipts: many }).success).toBe(false);
    expect(smsReceiptsSchema.safeParse({ receipts: [{ id: 'x', status: 'delivered' }] }).success).toBe(false);
    expect(smsReceiptsSchema.safeParse({ receipts: [{ id: sms.id, status: 'read' }] }).success).toBe(false);
    expect(
      smsReceiptsSchema.safeParse({ receipts: [{ id: sms.id, status: 'failed', reason: 'UNDELIV' }] })
        .success,
    ).toBe(true);
  });
});
